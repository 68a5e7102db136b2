DROP TABLE notifications;
DROP TABLE player_achievements;
DROP TABLE achievements;
