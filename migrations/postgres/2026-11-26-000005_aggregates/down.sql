ALTER TABLE players DROP COLUMN top_giant_gap;
ALTER TABLE players DROP COLUMN top_rivalry;
ALTER TABLE players DROP COLUMN deuce_wins;
ALTER TABLE players DROP COLUMN longest_loss_streak;
ALTER TABLE players DROP COLUMN longest_win_streak;
ALTER TABLE players DROP COLUMN streak_length;
ALTER TABLE players DROP COLUMN streak_kind;
DROP INDEX elo_history_player_applied_idx;
ALTER TABLE elo_history DROP COLUMN applied_rating;
