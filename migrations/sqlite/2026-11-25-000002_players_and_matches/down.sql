DROP TABLE elo_history;
DROP TABLE games;
DROP TABLE match_confirmations;
DROP TABLE match_participants;
DROP TABLE matches;
DROP TABLE locations;
DROP TABLE players;
