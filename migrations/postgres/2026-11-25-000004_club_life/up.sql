-- Rows are synchronised from the domain crate's definition table by `ttstats migrate`.
CREATE TABLE achievements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    tier TEXT NOT NULL,
    group_slug TEXT NOT NULL,
    icon TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    sort_order INTEGER NOT NULL,
    CHECK (tier IN ('none', 'bronze', 'silver', 'gold'))
);
CREATE UNIQUE INDEX achievements_slug_key ON achievements (slug);

CREATE TABLE player_achievements (
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    achievement_id BIGINT NOT NULL REFERENCES achievements (id) ON DELETE CASCADE,
    match_id BIGINT REFERENCES matches (id) ON DELETE SET NULL,
    awarded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (player_id, achievement_id)
);

CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    match_id BIGINT REFERENCES matches (id) ON DELETE SET NULL,
    scheduled_match_id BIGINT REFERENCES scheduled_matches (id) ON DELETE SET NULL,
    championship_id BIGINT REFERENCES championships (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
