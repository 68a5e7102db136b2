CREATE TABLE championships (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'singles',
    is_public BOOLEAN NOT NULL DEFAULT TRUE,
    home_and_away BOOLEAN NOT NULL DEFAULT TRUE,
    max_entries INTEGER NOT NULL DEFAULT 8,
    start_date DATE NOT NULL,
    end_date DATE,
    registration_deadline DATE,
    status TEXT NOT NULL DEFAULT 'registration',
    champion_entry_id BIGINT,
    location_id BIGINT REFERENCES locations (id) ON DELETE SET NULL,
    created_by_player_id BIGINT REFERENCES players (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (kind IN ('singles', 'doubles')),
    CHECK (max_entries BETWEEN 2 AND 100),
    CHECK (status IN ('registration', 'scheduled', 'in_progress', 'completed', 'cancelled'))
);
CREATE INDEX championships_listing_idx ON championships (start_date DESC, created_at DESC, id DESC);

CREATE TABLE championship_entries (
    id INTEGER PRIMARY KEY,
    championship_id BIGINT NOT NULL REFERENCES championships (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL DEFAULT '',
    seed INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX championship_entries_championship_idx ON championship_entries (championship_id);

CREATE TABLE championship_entry_members (
    entry_id BIGINT NOT NULL REFERENCES championship_entries (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE RESTRICT,
    championship_id BIGINT NOT NULL REFERENCES championships (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, player_id)
);
CREATE UNIQUE INDEX championship_entry_members_one_entry_key ON championship_entry_members (championship_id, player_id);
CREATE INDEX championship_entry_members_player_idx ON championship_entry_members (player_id);

CREATE TABLE scheduled_matches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    scheduled_date DATE NOT NULL,
    scheduled_time TIME NOT NULL,
    location_id BIGINT REFERENCES locations (id) ON DELETE SET NULL,
    notes TEXT NOT NULL DEFAULT '',
    championship_id BIGINT REFERENCES championships (id) ON DELETE CASCADE,
    round_number INTEGER,
    side1_entry_id BIGINT REFERENCES championship_entries (id) ON DELETE SET NULL,
    side2_entry_id BIGINT REFERENCES championship_entries (id) ON DELETE SET NULL,
    created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    match_id BIGINT REFERENCES matches (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (kind IN ('singles', 'doubles'))
);
CREATE UNIQUE INDEX scheduled_matches_match_key ON scheduled_matches (match_id);
CREATE INDEX scheduled_matches_date_idx ON scheduled_matches (scheduled_date, scheduled_time);
CREATE INDEX scheduled_matches_championship_idx ON scheduled_matches (championship_id);

CREATE TABLE scheduled_match_participants (
    scheduled_match_id BIGINT NOT NULL REFERENCES scheduled_matches (id) ON DELETE CASCADE,
    player_id BIGINT NOT NULL REFERENCES players (id) ON DELETE RESTRICT,
    side INTEGER NOT NULL,
    PRIMARY KEY (scheduled_match_id, player_id),
    CHECK (side IN (1, 2))
);
CREATE INDEX scheduled_match_participants_player_idx ON scheduled_match_participants (player_id);
