-- Reads that do not grow with history size (issue #8).
--
-- elo_history.applied_rating: the player's rating once every change of theirs applied up to
-- this row is counted, in (applied_at, id) order: new_rating while rows are applied in id
-- order (normal operation), possibly not after a recalculation (play order, applied_at kept).
-- The leaderboard's movement_7d is rating − applied_rating of the last row before the window.
ALTER TABLE elo_history ADD COLUMN applied_rating INTEGER NOT NULL DEFAULT 1500;
UPDATE elo_history SET applied_rating = ranked.r
FROM (
    SELECT id, 1500 + SUM(rating_change) OVER (PARTITION BY player_id ORDER BY applied_at, id) AS r
    FROM elo_history
) AS ranked
WHERE elo_history.id = ranked.id;
CREATE INDEX elo_history_player_applied_idx ON elo_history (player_id, applied_at, id, applied_rating);

-- Streaks (DOMAIN.md §3.7) and achievement progress measures (§3.14) over the player's
-- confirmed matches, written with the confirmation; `Db::migrate` fills them after this runs.
ALTER TABLE players ADD COLUMN streak_kind TEXT NOT NULL DEFAULT 'none'
    CHECK (streak_kind IN ('none', 'win', 'loss'));
ALTER TABLE players ADD COLUMN streak_length INTEGER NOT NULL DEFAULT 0;
ALTER TABLE players ADD COLUMN longest_win_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE players ADD COLUMN longest_loss_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE players ADD COLUMN deuce_wins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE players ADD COLUMN top_rivalry INTEGER NOT NULL DEFAULT 0;
ALTER TABLE players ADD COLUMN top_giant_gap INTEGER NOT NULL DEFAULT 0;
