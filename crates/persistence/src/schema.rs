//! The one hand-written diesel schema for both backends: only SQL types both share.
//! A change here touches both migration trees in the same commit.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        is_active -> Bool,
        email_verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_verification_tokens (user_id) {
        user_id -> BigInt,
        token_hash -> Text,
        sent_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_preferences (user_id) {
        user_id -> BigInt,
        match_confirmation -> Bool,
        match_result -> Bool,
        scheduled_match -> Bool,
        championship -> Bool,
        leaderboard_overtake -> Bool,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        to_address -> Text,
        kind -> Text,
        subject -> Text,
        body_text -> Text,
        created_at -> Timestamp,
        send_after -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        attempts -> Integer,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    players (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        name -> Text,
        nickname -> Text,
        playing_style -> Text,
        notes -> Text,
        created_by_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        rating -> Integer,
        peak_rating -> Integer,
        rated_matches -> Integer,
        confirmed_matches -> Integer,
        wins -> Integer,
        losses -> Integer,
        games_won -> Integer,
        games_lost -> Integer,
        streak_kind -> Text,
        streak_length -> Integer,
        longest_win_streak -> Integer,
        longest_loss_streak -> Integer,
        deuce_wins -> Integer,
        top_rivalry -> Integer,
        top_giant_gap -> Integer,
    }
}

diesel::table! {
    locations (id) {
        id -> BigInt,
        name -> Text,
        address -> Text,
        notes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    matches (id) {
        id -> BigInt,
        kind -> Text,
        best_of -> Integer,
        match_type -> Text,
        played_at -> Timestamp,
        location_id -> Nullable<BigInt>,
        notes -> Text,
        championship_id -> Nullable<BigInt>,
        side1_entry_id -> Nullable<BigInt>,
        side2_entry_id -> Nullable<BigInt>,
        created_by_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        side1_games -> Integer,
        side2_games -> Integer,
        winner_side -> Nullable<Integer>,
        is_confirmed -> Bool,
        confirmed_at -> Nullable<Timestamp>,
        auto_confirmed -> Bool,
        is_live -> Bool,
        live_state -> Nullable<Text>,
        scorekeeper_player_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    match_participants (match_id, player_id) {
        match_id -> BigInt,
        player_id -> BigInt,
        side -> Integer,
    }
}

diesel::table! {
    match_confirmations (match_id, player_id) {
        match_id -> BigInt,
        player_id -> BigInt,
        confirmed_at -> Timestamp,
        source -> Text,
    }
}

diesel::table! {
    games (id) {
        id -> BigInt,
        match_id -> BigInt,
        number -> Integer,
        side1_points -> Integer,
        side2_points -> Integer,
        winner_side -> Integer,
        duration_minutes -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    elo_history (id) {
        id -> BigInt,
        match_id -> BigInt,
        player_id -> BigInt,
        side -> Integer,
        old_rating -> Integer,
        new_rating -> Integer,
        rating_change -> Integer,
        k_factor -> Double,
        applied_at -> Timestamp,
        applied_rating -> Integer,
    }
}

diesel::table! {
    championships (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        kind -> Text,
        is_public -> Bool,
        home_and_away -> Bool,
        max_entries -> Integer,
        start_date -> Date,
        end_date -> Nullable<Date>,
        registration_deadline -> Nullable<Date>,
        status -> Text,
        champion_entry_id -> Nullable<BigInt>,
        location_id -> Nullable<BigInt>,
        created_by_player_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    championship_entries (id) {
        id -> BigInt,
        championship_id -> BigInt,
        display_name -> Text,
        seed -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    championship_entry_members (entry_id, player_id) {
        entry_id -> BigInt,
        player_id -> BigInt,
        championship_id -> BigInt,
    }
}

diesel::table! {
    scheduled_matches (id) {
        id -> BigInt,
        kind -> Text,
        scheduled_date -> Date,
        scheduled_time -> Time,
        location_id -> Nullable<BigInt>,
        notes -> Text,
        championship_id -> Nullable<BigInt>,
        round_number -> Nullable<Integer>,
        side1_entry_id -> Nullable<BigInt>,
        side2_entry_id -> Nullable<BigInt>,
        created_by_user_id -> Nullable<BigInt>,
        match_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    scheduled_match_participants (scheduled_match_id, player_id) {
        scheduled_match_id -> BigInt,
        player_id -> BigInt,
        side -> Integer,
    }
}

diesel::table! {
    achievements (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        tier -> Text,
        group_slug -> Text,
        icon -> Text,
        threshold -> Integer,
        sort_order -> Integer,
    }
}

diesel::table! {
    player_achievements (player_id, achievement_id) {
        player_id -> BigInt,
        achievement_id -> BigInt,
        match_id -> Nullable<BigInt>,
        awarded_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        link -> Text,
        match_id -> Nullable<BigInt>,
        scheduled_match_id -> Nullable<BigInt>,
        championship_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(players -> users (user_id));
diesel::joinable!(match_participants -> matches (match_id));
diesel::joinable!(match_participants -> players (player_id));
diesel::joinable!(match_confirmations -> matches (match_id));
diesel::joinable!(games -> matches (match_id));
diesel::joinable!(elo_history -> matches (match_id));
diesel::joinable!(elo_history -> players (player_id));
diesel::joinable!(scheduled_match_participants -> scheduled_matches (scheduled_match_id));
diesel::joinable!(championship_entry_members -> championship_entries (entry_id));
diesel::joinable!(player_achievements -> achievements (achievement_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    email_verification_tokens,
    refresh_tokens,
    notification_preferences,
    email_outbox,
    players,
    locations,
    matches,
    match_participants,
    match_confirmations,
    games,
    elo_history,
    championships,
    championship_entries,
    championship_entry_members,
    scheduled_matches,
    scheduled_match_participants,
    achievements,
    player_achievements,
    notifications,
);
