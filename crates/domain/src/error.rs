//! The one error type of the domain: a variant per broken rule, each with a stable `code()`
//! (DOMAIN.md §6). Clients switch on the code, so renaming one is a breaking change.

use thiserror::Error;

/// A rule of DOMAIN.md refused the input or the action.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    // --- game scores (§3.2) ---
    /// A side has negative points.
    #[error("points cannot be negative")]
    GameScoreNegative,
    /// Both sides have the same points.
    #[error("a game cannot end in a tie")]
    GameScoreTie,
    /// The winner has fewer than 11 points.
    #[error("the winner needs at least 11 points")]
    GameScoreBelowEleven,
    /// The winner leads by fewer than 2 points.
    #[error("the winner needs a lead of at least 2 points")]
    GameScoreLeadTooSmall,
    /// Past 11 the game ends exactly at a 2-point lead.
    #[error("past 11 points a game ends at a lead of exactly 2")]
    GameScoreOvershoot,
    /// A game number outside 1..=best_of.
    #[error("game number must be between 1 and {best_of}")]
    GameNumberOutOfRange {
        /// The match's best_of.
        best_of: u8,
    },
    /// The game number is already used in this match.
    #[error("game number {number} is already taken")]
    GameNumberTaken {
        /// The duplicate number.
        number: u8,
    },
    /// Duration outside 1..=300 minutes.
    #[error("duration must be between 1 and 300 minutes")]
    DurationInvalid,

    // --- match format and participants (§3.3) ---
    /// best_of is not one of 1, 3, 5, 7, 9.
    #[error("best of must be 1, 3, 5, 7 or 9")]
    BestOfInvalid,
    /// Side sizes don't match the kind.
    #[error("singles need one player per side, doubles two")]
    WrongPlayerCount,
    /// A player appears twice.
    #[error("a player appears more than once")]
    PlayersNotDistinct,
    /// A referenced player does not exist.
    #[error("unknown player")]
    UnknownPlayer,
    /// A non-admin creator is not among the players.
    #[error("you must be one of the players")]
    CreatorNotParticipant,
    /// The caller needs a player profile.
    #[error("this action needs a player profile")]
    PlayerProfileRequired,
    /// played_at more than 5 minutes in the future.
    #[error("a match cannot be played in the future")]
    PlayedAtInFuture,
    /// A fixture dated before today.
    #[error("the date cannot be in the past")]
    ScheduledDateInPast,

    // --- championships (§3.13) ---
    /// Championship start date before today.
    #[error("the start date cannot be in the past")]
    StartDateInPast,
    /// A public championship needs a registration deadline.
    #[error("a public championship needs a registration deadline")]
    RegistrationDeadlineRequired,
    /// The deadline must be before the start date.
    #[error("the registration deadline must be before the start date")]
    RegistrationDeadlineAfterStart,
    /// max_entries outside 2..=100.
    #[error("max entries must be between 2 and 100")]
    MaxEntriesInvalid,
    /// An entry has the wrong number of players for the kind.
    #[error("an entry needs one player for singles, two for doubles")]
    EntrySizeInvalid,
    /// More entries than max_entries.
    #[error("more entries than the championship allows")]
    TooManyEntries,
    /// Registration is not open.
    #[error("registration is closed")]
    RegistrationClosed,
    /// No room left.
    #[error("the championship is full")]
    ChampionshipFull,
    /// A player is already entered.
    #[error("already registered")]
    AlreadyRegistered,
    /// Unregister outside the registration phase.
    #[error("the championship is no longer in registration")]
    ChampionshipNotInRegistration,
    /// Start with fewer than 2 entries.
    #[error("at least two entries are needed")]
    NotEnoughEntries,

    // --- live scoring (§3.15) ---
    /// Live scoring is for singles only.
    #[error("live scoring is for singles matches")]
    LiveRequiresSingles,
    /// A side must be 1 or 2.
    #[error("side must be 1 or 2")]
    InvalidSide,
    /// The match is live; ordinary edits are refused.
    #[error("the match is being scored live")]
    MatchIsLive,
    /// A live action on a match that is not live.
    #[error("the match is not being scored live")]
    MatchNotLive,
    /// A point before the start.
    #[error("live scoring has not started")]
    LiveNotStarted,
    /// Start again with another server.
    #[error("live scoring has already started")]
    LiveAlreadyStarted,

    // --- match state (§3.3–3.5) ---
    /// A game or point after the winner is decided.
    #[error("the match already has a winner")]
    MatchAlreadyComplete,
    /// The match is confirmed (or deletion needs an admin).
    #[error("the match is confirmed and locked")]
    MatchLocked,
    /// Participants and kind never change.
    #[error("participants cannot be changed")]
    ParticipantsLocked,
    /// best_of changes only while there are no games.
    #[error("best of cannot change once games are recorded")]
    BestOfLocked,
    /// Confirming an unfinished match.
    #[error("the match has no winner yet")]
    MatchNotComplete,
    /// Converting or editing a converted fixture.
    #[error("the fixture was already converted into a match")]
    FixtureAlreadyConverted,

    // --- permissions (§4.2) ---
    /// Someone else's player.
    #[error("you can only edit your own player")]
    NotProfileOwner,
    /// Not one of the match's or fixture's players.
    #[error("you are not a participant")]
    NotAParticipant,
    /// Deleting a match someone else recorded.
    #[error("only the player who recorded the match can delete it")]
    NotMatchCreator,
    /// Live write by someone other than the scorekeeper.
    #[error("only the scorekeeper can score this match")]
    NotScorekeeper,
    /// A championship change by someone other than its creator.
    #[error("only the championship's creator can do this")]
    NotChampionshipCreator,
    /// Admin-only action.
    #[error("administrators only")]
    AdminRequired,

    // --- accounts (§4.3) ---
    /// Shorter than 8 characters.
    #[error("the password must have at least 8 characters")]
    PasswordTooShort,
    /// Longer than 128 characters.
    #[error("the password must have at most 128 characters")]
    PasswordTooLong,
    /// Digits only.
    #[error("the password cannot be entirely numeric")]
    PasswordEntirelyNumeric,
    /// On the common-passwords list.
    #[error("the password is too common")]
    PasswordTooCommon,
    /// Too close to the username, e-mail or name.
    #[error("the password is too similar to your personal information")]
    PasswordTooSimilar,
    /// Username length or characters.
    #[error("a username has 3 to 150 letters, digits or @.+-_")]
    UsernameInvalid,
    /// Malformed e-mail address.
    #[error("enter a valid e-mail address")]
    EmailInvalid,
    /// Wrong username/e-mail or password.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// Correct password but the e-mail is not verified.
    #[error("verify your e-mail address first")]
    EmailNotVerified,
    /// The account is deactivated.
    #[error("the account is inactive")]
    AccountInactive,
    /// Unknown verification token.
    #[error("the verification link is invalid")]
    VerificationTokenInvalid,
    /// Verification token older than 24 h.
    #[error("the verification link has expired")]
    VerificationTokenExpired,
    /// Username in use (case-insensitive).
    #[error("this username is taken")]
    UsernameTaken,
    /// E-mail in use (case-insensitive).
    #[error("this e-mail address is taken")]
    EmailTaken,
    /// Registering while signed in.
    #[error("you are already signed in")]
    AlreadySignedIn,
    /// Deleting a player who has matches, fixtures or entries.
    #[error("the player has matches")]
    PlayerHasMatches,
    /// The player is already linked to a user.
    #[error("the player is already linked to a user")]
    PlayerAlreadyLinked,
    /// The user already has a player.
    #[error("the user already has a player")]
    UserAlreadyHasPlayer,

    // --- generic fields and parameters (§6) ---
    /// A required field is missing or blank.
    #[error("{field} is required")]
    FieldRequired {
        /// The field name.
        field: &'static str,
    },
    /// A field is longer than allowed.
    #[error("{field} must have at most {max} characters")]
    FieldTooLong {
        /// The field name.
        field: &'static str,
        /// The maximum length in characters.
        max: usize,
    },
    /// A value outside its enumeration.
    #[error("{field} has an invalid value")]
    InvalidChoice {
        /// The field name.
        field: &'static str,
    },
    /// A malformed or out-of-range query parameter.
    #[error("invalid query parameter {parameter}")]
    InvalidQueryParameter {
        /// The parameter name.
        parameter: &'static str,
    },
    /// A custom period without both dates, or with from > to.
    #[error("a custom period needs from and to, with from on or before to")]
    InvalidDateRange,
}

impl DomainError {
    /// The stable snake_case code clients switch on (DOMAIN.md §6).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::GameScoreNegative => "game_score_negative",
            Self::GameScoreTie => "game_score_tie",
            Self::GameScoreBelowEleven => "game_score_below_eleven",
            Self::GameScoreLeadTooSmall => "game_score_lead_too_small",
            Self::GameScoreOvershoot => "game_score_overshoot",
            Self::GameNumberOutOfRange { .. } => "game_number_out_of_range",
            Self::GameNumberTaken { .. } => "game_number_taken",
            Self::DurationInvalid => "duration_invalid",
            Self::BestOfInvalid => "best_of_invalid",
            Self::WrongPlayerCount => "wrong_player_count",
            Self::PlayersNotDistinct => "players_not_distinct",
            Self::UnknownPlayer => "unknown_player",
            Self::CreatorNotParticipant => "creator_not_participant",
            Self::PlayerProfileRequired => "player_profile_required",
            Self::PlayedAtInFuture => "played_at_in_future",
            Self::ScheduledDateInPast => "scheduled_date_in_past",
            Self::StartDateInPast => "start_date_in_past",
            Self::RegistrationDeadlineRequired => "registration_deadline_required",
            Self::RegistrationDeadlineAfterStart => "registration_deadline_after_start",
            Self::MaxEntriesInvalid => "max_entries_invalid",
            Self::EntrySizeInvalid => "entry_size_invalid",
            Self::TooManyEntries => "too_many_entries",
            Self::RegistrationClosed => "registration_closed",
            Self::ChampionshipFull => "championship_full",
            Self::AlreadyRegistered => "already_registered",
            Self::ChampionshipNotInRegistration => "championship_not_in_registration",
            Self::NotEnoughEntries => "not_enough_entries",
            Self::LiveRequiresSingles => "live_requires_singles",
            Self::InvalidSide => "invalid_side",
            Self::MatchIsLive => "match_is_live",
            Self::MatchNotLive => "match_not_live",
            Self::LiveNotStarted => "live_not_started",
            Self::LiveAlreadyStarted => "live_already_started",
            Self::MatchAlreadyComplete => "match_already_complete",
            Self::MatchLocked => "match_locked",
            Self::ParticipantsLocked => "participants_locked",
            Self::BestOfLocked => "best_of_locked",
            Self::MatchNotComplete => "match_not_complete",
            Self::FixtureAlreadyConverted => "fixture_already_converted",
            Self::NotProfileOwner => "not_profile_owner",
            Self::NotAParticipant => "not_a_participant",
            Self::NotMatchCreator => "not_match_creator",
            Self::NotScorekeeper => "not_scorekeeper",
            Self::NotChampionshipCreator => "not_championship_creator",
            Self::AdminRequired => "admin_required",
            Self::PasswordTooShort => "password_too_short",
            Self::PasswordTooLong => "password_too_long",
            Self::PasswordEntirelyNumeric => "password_entirely_numeric",
            Self::PasswordTooCommon => "password_too_common",
            Self::PasswordTooSimilar => "password_too_similar",
            Self::UsernameInvalid => "username_invalid",
            Self::EmailInvalid => "email_invalid",
            Self::InvalidCredentials => "invalid_credentials",
            Self::EmailNotVerified => "email_not_verified",
            Self::AccountInactive => "account_inactive",
            Self::VerificationTokenInvalid => "verification_token_invalid",
            Self::VerificationTokenExpired => "verification_token_expired",
            Self::UsernameTaken => "username_taken",
            Self::EmailTaken => "email_taken",
            Self::AlreadySignedIn => "already_signed_in",
            Self::PlayerHasMatches => "player_has_matches",
            Self::PlayerAlreadyLinked => "player_already_linked",
            Self::UserAlreadyHasPlayer => "user_already_has_player",
            Self::FieldRequired { .. } => "field_required",
            Self::FieldTooLong { .. } => "field_too_long",
            Self::InvalidChoice { .. } => "invalid_choice",
            Self::InvalidQueryParameter { .. } => "invalid_query_parameter",
            Self::InvalidDateRange => "invalid_date_range",
        }
    }
}
