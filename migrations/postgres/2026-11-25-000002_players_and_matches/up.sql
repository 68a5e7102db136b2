CREATE TABLE players (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    nickname TEXT NOT NULL DEFAULT '',
    playing_style TEXT NOT NULL DEFAULT 'normal',
    notes TEXT NOT NULL DEFAULT '',
    created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Aggregates, written in the same transaction as the writes that change them.
    rating INTEGER NOT NULL DEFAULT 1500,
    peak_rating INTEGER NOT NULL DEFAULT 1500,
    rated_matches INTEGER NOT NULL DEFAULT 0,
    confirmed_matches INTEGER NOT NULL DEFAULT 0,
    wins INTEGER NOT NULL DEFAULT 0,
    losses INTEGER NOT NULL DEFAULT 0,
    games_won INTEGER NOT NULL DEFAULT 0,
    games_lost INTEGER NOT NULL DEFAULT 0,
    CHECK (wins + losses = confirmed_matches),
    CHECK (peak_rating >= rating AND peak_rating >= 1500)
);
CREATE UNIQUE INDEX players_user_key ON players (user_id);
CREATE INDEX players_rating_idx ON players (rating DESC, name, id);
CREATE INDEX players_name_idx ON players (name);

CREATE TABLE locations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX locations_name_key ON locations (name);

CREATE TABLE matches (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    best_of INTEGER NOT NULL DEFAULT 5,
    match_type TEXT NOT NULL DEFAULT 'casual',
    played_at TIMESTAMP NOT NULL,
    location_id BIGINT REFERENCES locations (id) ON DELETE SET NULL,
    notes TEXT NOT NULL DEFAULT '',
    championship_id BIGINT,
    side1_entry_id BIGINT,
    side2_entry_id BIGINT,
    created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Cache columns derived from games and confirmations (DOMAIN.md §3.4, §3.5).
    side1_games INTEGER NOT NULL DEFAULT 0,
    side2_games INTEGER NOT NULL DEFAULT 0,
    winner_side INTEGER,
    is_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    confirmed_at TIMESTAMP,
    auto_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    is_live BOOLEAN NOT NULL DEFAULT FALSE,
    live_state TEXT,
    scorekeeper_player_id BIGINT REFERENCES players (id) ON DELETE SET NULL,
    CHECK (kind IN ('singles', 'doubles')),
    CHECK (best_of IN (1, 3, 5, 7, 9)),
    CHECK (match_type IN ('casual', 'practice', 'tournament')),
    CHECK (winner_side IS NULL OR winner_side IN (1, 2)),
    CHECK (NOT is_confirmed OR winner_side IS NOT NULL),
    CHECK (NOT is_live OR (NOT is_confirmed AND winner_side IS NULL))
);
CREATE INDEX matches_confirmed_played_idx ON matches (is_confirmed, played_at DESC, created_at DESC, id DESC);
CREATE INDEX matches_winner_idx ON matches (winner_side);
CREATE INDEX matches_championship_idx ON matches (championship_id);
CREATE INDEX matches_live_idx ON matches (id) WHERE is_live;

CREATE TABLE match_participants (
    match_id BIGINT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE RESTRICT,
    side INTEGER NOT NULL,
    PRIMARY KEY (match_id, player_id),
    CHECK (side IN (1, 2))
);
CREATE INDEX match_participants_side_idx ON match_participants (match_id, side);
CREATE INDEX match_participants_player_idx ON match_participants (player_id, match_id);

CREATE TABLE match_confirmations (
    match_id BIGINT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    confirmed_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL DEFAULT 'player',
    PRIMARY KEY (match_id, player_id),
    CHECK (source IN ('player', 'auto'))
);

CREATE TABLE games (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id BIGINT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    side1_points INTEGER NOT NULL,
    side2_points INTEGER NOT NULL,
    winner_side INTEGER NOT NULL,
    duration_minutes INTEGER,
    created_at TIMESTAMP NOT NULL,
    CHECK (number BETWEEN 1 AND 9),
    CHECK (side1_points >= 0 AND side2_points >= 0),
    CHECK (winner_side IN (1, 2)),
    CHECK (duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 300)
);
CREATE UNIQUE INDEX games_match_number_key ON games (match_id, number);

CREATE TABLE elo_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id BIGINT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE CASCADE,
    side INTEGER NOT NULL,
    old_rating INTEGER NOT NULL,
    new_rating INTEGER NOT NULL,
    rating_change INTEGER NOT NULL,
    k_factor DOUBLE PRECISION NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX elo_history_match_player_key ON elo_history (match_id, player_id);
CREATE INDEX elo_history_player_idx ON elo_history (player_id, id);
CREATE INDEX elo_history_applied_idx ON elo_history (applied_at);
