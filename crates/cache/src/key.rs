//! Typed cache keys: their family, TTL, invalidation tags and rendered Redis name
//! (DOMAIN.md §5). Call sites never `format!` a key, so a key and its tags cannot drift apart.

use std::fmt::{self, Write as _};
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ttstats_domain::{PlayerId, UserId};

/// A family of cached values: one kind of response, sharing a TTL and a tag rule. Used to name
/// keys, to group statistics and to clear one kind of value (`ttstats cache clear --family`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Leaderboard for one filter (kind, period, range, limit).
    Leaderboard,
    /// A player's statistics (incl. rating history and achievements).
    PlayerStats,
    /// The first page of a player's match history.
    PlayerHistory,
    /// A player's Elo history (part of "player stats" in DOMAIN.md §5).
    EloHistory,
    /// A player's achievements and progress (part of "player stats" in DOMAIN.md §5).
    Achievements,
    /// Head-to-head of an ordered pair.
    HeadToHead,
    /// Doubles statistics of an unordered pair.
    PairStats,
    /// Dashboard club totals (players, confirmed matches).
    DashboardTotals,
    /// Dashboard: the most recent confirmed matches.
    DashboardRecent,
    /// Dashboard: a player's personal sections 2–4.
    DashboardPersonal,
    /// A player's pending confirmations.
    Pending,
    /// A calendar month as seen by one viewer.
    CalendarMonth,
    /// One player as the API shows it (name, rating, verified…): the per-request part of
    /// head-to-head and the badge rank, read without the database.
    Player,
    /// What authentication needs to know of a user (active, admin, player id); nothing
    /// personal.
    Account,
}

impl Family {
    /// Every family, in a stable order (statistics, `clear` of everything).
    pub const ALL: [Family; 14] = [
        Family::Leaderboard,
        Family::PlayerStats,
        Family::PlayerHistory,
        Family::EloHistory,
        Family::Achievements,
        Family::HeadToHead,
        Family::PairStats,
        Family::DashboardTotals,
        Family::DashboardRecent,
        Family::DashboardPersonal,
        Family::Pending,
        Family::CalendarMonth,
        Family::Player,
        Family::Account,
    ];

    /// The snake_case name used in keys, statistics and the CLI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Leaderboard => "leaderboard",
            Family::PlayerStats => "player_stats",
            Family::PlayerHistory => "player_history",
            Family::EloHistory => "elo_history",
            Family::Achievements => "achievements",
            Family::HeadToHead => "head_to_head",
            Family::PairStats => "pair_stats",
            Family::DashboardTotals => "dashboard_totals",
            Family::DashboardRecent => "dashboard_recent",
            Family::DashboardPersonal => "dashboard_personal",
            Family::Pending => "pending",
            Family::CalendarMonth => "calendar_month",
            Family::Player => "player",
            Family::Account => "account",
        }
    }

    /// Time to live of this family's values (DOMAIN.md §5). Tags make values correct; the TTL
    /// only bounds time-dependent parts (period windows, 7-day movement, "today").
    pub const fn ttl(self) -> Duration {
        let minutes = match self {
            // DOMAIN.md gives total players 15 min and total matches 10 min; both live in one
            // value here, so it takes the shorter of the two.
            Family::Leaderboard
            | Family::PlayerStats
            | Family::PlayerHistory
            | Family::EloHistory
            | Family::Achievements
            | Family::PairStats
            | Family::DashboardTotals
            | Family::Player
            | Family::Account => 10,
            Family::HeadToHead => 30,
            Family::DashboardRecent
            | Family::DashboardPersonal
            | Family::Pending
            | Family::CalendarMonth => 5,
        };
        Duration::from_mins(minutes)
    }

    /// Position in [`Family::ALL`], for per-family counters.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no [`Family`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown cache family `{0}`")]
pub struct UnknownFamily(pub String);

impl FromStr for Family {
    type Err = UnknownFamily;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Family::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFamily(s.to_owned()))
    }
}

/// An invalidation tag (DOMAIN.md §5): a write bumps the tags it touched, which makes every
/// value carrying one of them unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tag {
    /// Anything derived from the club's confirmed matches (`club`).
    Club,
    /// The set of players (`players`).
    Players,
    /// One player's confirmed-match data (`player:{id}`).
    Player(PlayerId),
    /// One player's pending confirmations (`pending:{id}`).
    Pending(PlayerId),
    /// One player's fixtures (`fixtures:{id}`).
    Fixtures(PlayerId),
    /// One user account: activity, role, verification, player link (`user:{id}`).
    User(UserId),
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Club => f.write_str("club"),
            Tag::Players => f.write_str("players"),
            Tag::Player(p) => write!(f, "player:{p}"),
            Tag::Pending(p) => write!(f, "pending:{p}"),
            Tag::Fixtures(p) => write!(f, "fixtures:{p}"),
            Tag::User(u) => write!(f, "user:{}", u.0),
        }
    }
}

/// A string that is no [`Tag`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cache tag `{0}`")]
pub struct InvalidTag(pub String);

impl FromStr for Tag {
    type Err = InvalidTag;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidTag(s.to_owned());
        match s {
            "club" => return Ok(Tag::Club),
            "players" => return Ok(Tag::Players),
            _ => {}
        }
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        if kind == "user" {
            return Ok(Tag::User(UserId(id)));
        }
        let id = PlayerId(id);
        match kind {
            "player" => Ok(Tag::Player(id)),
            "pending" => Ok(Tag::Pending(id)),
            "fixtures" => Ok(Tag::Fixtures(id)),
            _ => Err(bad()),
        }
    }
}

// Tags travel in pub/sub messages as their rendered strings, the same names as in Redis keys.
impl Serialize for Tag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The most tags any key carries (dashboard personal: pending, fixtures, club).
pub(crate) const MAX_TAGS: usize = 3;

/// A cached value's identity. Keys hold ids and validated query parameters only, never
/// personal data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// Leaderboard for one filter; the strings are the validated query values (`all`, `30d`,
    /// `2026-01-31`, …) and `limit` 0 means "no limit".
    Leaderboard {
        /// `all` | `singles` | `doubles`.
        kind: String,
        /// `all` | `30d` | … | `custom`.
        period: String,
        /// First day of a custom period.
        from: Option<String>,
        /// Last day of a custom period.
        to: Option<String>,
        /// Row limit, 0 = all.
        limit: u32,
    },
    /// A player's statistics.
    PlayerStats(PlayerId),
    /// The first page of a player's history with `per_page` items.
    PlayerHistory {
        /// The player.
        player: PlayerId,
        /// Page size.
        per_page: u32,
    },
    /// A player's Elo history.
    EloHistory(PlayerId),
    /// A player's achievements and progress.
    Achievements(PlayerId),
    /// Head-to-head oriented to the first player; `(b, a)` is a different value.
    HeadToHead(PlayerId, PlayerId),
    /// Doubles statistics of a pair; the order does not matter (the cache normalizes it, see
    /// [`Key::pair_stats`]).
    PairStats(PlayerId, PlayerId),
    /// Dashboard club totals.
    DashboardTotals,
    /// Dashboard recent confirmed matches.
    DashboardRecent,
    /// Dashboard personal sections 2–4 of one player.
    DashboardPersonal(PlayerId),
    /// A player's pending confirmations.
    Pending(PlayerId),
    /// A calendar month for a viewer's player (`None`: a viewer without a player).
    CalendarMonth {
        /// The viewer's player.
        viewer: Option<PlayerId>,
        /// Year.
        year: i32,
        /// Month 1–12.
        month: u32,
    },
    /// One player as the API shows it.
    Player(PlayerId),
    /// The authentication facts of a user.
    Account(UserId),
}

impl Key {
    /// The pair-statistics key of two players in either order.
    pub fn pair_stats(a: PlayerId, b: PlayerId) -> Key {
        Key::PairStats(a.min(b), a.max(b))
    }

    /// The canonical form of this key: unordered pairs sorted. The cache applies it to every
    /// key, so `PairStats(b, a)` and `PairStats(a, b)` share one value.
    #[must_use]
    pub fn normalized(self) -> Key {
        match self {
            Key::PairStats(a, b) => Key::pair_stats(a, b),
            other => other,
        }
    }

    /// The family.
    pub fn family(&self) -> Family {
        match self {
            Key::Leaderboard { .. } => Family::Leaderboard,
            Key::PlayerStats(_) => Family::PlayerStats,
            Key::PlayerHistory { .. } => Family::PlayerHistory,
            Key::EloHistory(_) => Family::EloHistory,
            Key::Achievements(_) => Family::Achievements,
            Key::HeadToHead(..) => Family::HeadToHead,
            Key::PairStats(..) => Family::PairStats,
            Key::DashboardTotals => Family::DashboardTotals,
            Key::DashboardRecent => Family::DashboardRecent,
            Key::DashboardPersonal(_) => Family::DashboardPersonal,
            Key::Pending(_) => Family::Pending,
            Key::CalendarMonth { .. } => Family::CalendarMonth,
            Key::Player(_) => Family::Player,
            Key::Account(_) => Family::Account,
        }
    }

    /// Time to live (DOMAIN.md §5), the family's.
    pub fn ttl(&self) -> Duration {
        self.family().ttl()
    }

    /// The invalidation tags (DOMAIN.md §5): bumping any of them makes this value unreachable.
    pub fn tags(&self) -> Vec<Tag> {
        let mut tags = Vec::with_capacity(MAX_TAGS);
        self.for_each_tag(|t| tags.push(t));
        tags
    }

    /// Whether bumping `tag` invalidates this key.
    pub fn has_tag(&self, tag: &Tag) -> bool {
        let mut found = false;
        self.for_each_tag(|t| found |= t == *tag);
        found
    }

    /// Calls `f` with each tag; the allocation-free form of [`Key::tags`] for the hot path.
    pub(crate) fn for_each_tag(&self, mut f: impl FnMut(Tag)) {
        match *self {
            Key::Leaderboard { .. } | Key::DashboardRecent => f(Tag::Club),
            Key::DashboardTotals => {
                f(Tag::Players);
                f(Tag::Club);
            }
            Key::PlayerStats(p)
            | Key::PlayerHistory { player: p, .. }
            | Key::EloHistory(p)
            | Key::Achievements(p)
            | Key::Player(p) => {
                f(Tag::Player(p));
            }
            Key::Account(u) => f(Tag::User(u)),
            Key::HeadToHead(a, b) | Key::PairStats(a, b) => {
                f(Tag::Player(a));
                f(Tag::Player(b));
            }
            Key::DashboardPersonal(p) => {
                f(Tag::Pending(p));
                f(Tag::Fixtures(p));
                f(Tag::Club);
            }
            Key::Pending(p) => f(Tag::Pending(p)),
            Key::CalendarMonth { viewer, .. } => {
                if let Some(p) = viewer {
                    f(Tag::Fixtures(p));
                }
                f(Tag::Club);
            }
        }
    }

    /// The Redis name `{prefix}:v{version}:{family}:{ids…}`. The stored name appends the
    /// generations the value was computed under (see the crate docs).
    pub fn render(&self, prefix: &str, version: u32) -> String {
        format!("{prefix}:v{version}:{self}")
    }
}

/// `{family}:{ids…}` — the key without prefix and version (logs, [`Key::render`]).
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.family().as_str())?;
        match self {
            Key::Leaderboard {
                kind,
                period,
                from,
                to,
                limit,
            } => {
                f.write_char(':')?;
                escape(f, kind)?;
                f.write_char(':')?;
                escape(f, period)?;
                for day in [from, to] {
                    f.write_char(':')?;
                    match day {
                        Some(day) => escape(f, day)?,
                        // `~` is never produced by `escape`, so "absent" cannot collide.
                        None => f.write_char('~')?,
                    }
                }
                write!(f, ":{limit}")
            }
            Key::PlayerStats(p)
            | Key::EloHistory(p)
            | Key::Achievements(p)
            | Key::DashboardPersonal(p)
            | Key::Pending(p)
            | Key::Player(p) => write!(f, ":{p}"),
            Key::Account(u) => write!(f, ":{}", u.0),
            Key::PlayerHistory { player, per_page } => write!(f, ":{player}:{per_page}"),
            Key::HeadToHead(a, b) => write!(f, ":{a}:{b}"),
            Key::PairStats(a, b) => write!(f, ":{}:{}", a.min(b), a.max(b)),
            Key::DashboardTotals | Key::DashboardRecent => Ok(()),
            Key::CalendarMonth {
                viewer,
                year,
                month,
            } => match viewer {
                Some(p) => write!(f, ":{p}:{year}:{month:02}"),
                None => write!(f, ":~:{year}:{month:02}"),
            },
        }
    }
}

/// Writes `s` with every byte outside `[A-Za-z0-9._-]` as `%XX`, so free-form parameters can
/// neither inject `:` separators nor glob characters into Redis names, and rendering stays
/// injective.
fn escape(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            f.write_char(char::from(b))?;
        } else {
            write!(f, "%{b:02X}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64) -> PlayerId {
        PlayerId(id)
    }

    fn every_key() -> Vec<Key> {
        vec![
            Key::Leaderboard {
                kind: "all".into(),
                period: "custom".into(),
                from: Some("2026-01-01".into()),
                to: None,
                limit: 10,
            },
            Key::PlayerStats(p(1)),
            Key::PlayerHistory {
                player: p(1),
                per_page: 20,
            },
            Key::EloHistory(p(1)),
            Key::Achievements(p(1)),
            Key::HeadToHead(p(1), p(2)),
            Key::PairStats(p(2), p(1)),
            Key::DashboardTotals,
            Key::DashboardRecent,
            Key::DashboardPersonal(p(1)),
            Key::Pending(p(1)),
            Key::CalendarMonth {
                viewer: Some(p(1)),
                year: 2026,
                month: 3,
            },
            Key::Player(p(1)),
            Key::Account(UserId(1)),
        ]
    }

    #[test]
    fn every_family_has_a_key_and_names_round_trip() {
        let families: Vec<Family> = every_key().iter().map(Key::family).collect();
        assert_eq!(families, Family::ALL);
        for (i, f) in Family::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(f.as_str().parse::<Family>(), Ok(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f}\""));
        }
        assert!("players".parse::<Family>().is_err());
    }

    #[test]
    fn keys_render_with_prefix_version_family_and_ids() {
        let rendered: Vec<String> = every_key().iter().map(|k| k.render("ttstats", 1)).collect();
        assert_eq!(
            rendered,
            [
                "ttstats:v1:leaderboard:all:custom:2026-01-01:~:10",
                "ttstats:v1:player_stats:1",
                "ttstats:v1:player_history:1:20",
                "ttstats:v1:elo_history:1",
                "ttstats:v1:achievements:1",
                "ttstats:v1:head_to_head:1:2",
                "ttstats:v1:pair_stats:1:2",
                "ttstats:v1:dashboard_totals",
                "ttstats:v1:dashboard_recent",
                "ttstats:v1:dashboard_personal:1",
                "ttstats:v1:pending:1",
                "ttstats:v1:calendar_month:1:2026:03",
                "ttstats:v1:player:1",
                "ttstats:v1:account:1",
            ]
        );
    }

    #[test]
    fn free_form_parameters_cannot_inject_separators_or_collide_with_absent() {
        let key = |kind: &str, from: Option<&str>| Key::Leaderboard {
            kind: kind.into(),
            period: "all".into(),
            from: from.map(Into::into),
            to: None,
            limit: 0,
        };
        assert_eq!(
            key("a:b*", Some("~")).to_string(),
            "leaderboard:a%3Ab%2A:all:%7E:~:0"
        );
        assert_ne!(key("x", None).to_string(), key("x", Some("~")).to_string());
        assert_ne!(key("x", None).to_string(), key("x", Some("")).to_string());
    }

    #[test]
    fn pair_stats_is_unordered_and_head_to_head_is_ordered() {
        assert_eq!(Key::pair_stats(p(9), p(3)), Key::PairStats(p(3), p(9)));
        assert_eq!(
            Key::PairStats(p(9), p(3)).normalized(),
            Key::PairStats(p(3), p(9))
        );
        assert_eq!(
            Key::PairStats(p(9), p(3)).to_string(),
            Key::PairStats(p(3), p(9)).to_string()
        );
        assert_ne!(
            Key::HeadToHead(p(9), p(3)).normalized(),
            Key::HeadToHead(p(3), p(9))
        );
    }

    #[test]
    fn tags_and_ttls_follow_domain_section_5() {
        use Tag::*;
        let expected: Vec<(Vec<Tag>, u64)> = vec![
            (vec![Club], 10),
            (vec![Player(p(1))], 10),
            (vec![Player(p(1))], 10),
            (vec![Player(p(1))], 10),
            (vec![Player(p(1))], 10),
            (vec![Player(p(1)), Player(p(2))], 30),
            (vec![Player(p(2)), Player(p(1))], 10),
            (vec![Players, Club], 10),
            (vec![Club], 5),
            (vec![Pending(p(1)), Fixtures(p(1)), Club], 5),
            (vec![Pending(p(1))], 5),
            (vec![Fixtures(p(1)), Club], 5),
            (vec![Player(p(1))], 10),
            (vec![User(UserId(1))], 10),
        ];
        for (key, (tags, minutes)) in every_key().iter().zip(expected) {
            assert_eq!(key.tags(), tags, "{key}");
            assert!(key.tags().len() <= MAX_TAGS);
            assert_eq!(key.ttl(), Duration::from_mins(minutes), "{key}");
            for tag in &tags {
                assert!(key.has_tag(tag));
            }
            assert!(!key.has_tag(&Player(p(77))));
        }
        let anonymous = Key::CalendarMonth {
            viewer: None,
            year: 2026,
            month: 12,
        };
        assert_eq!(anonymous.tags(), [Club]);
        assert_eq!(anonymous.to_string(), "calendar_month:~:2026:12");
    }

    #[test]
    fn tags_round_trip_through_strings_and_json() {
        for tag in [
            Tag::Club,
            Tag::Players,
            Tag::Player(p(5)),
            Tag::Pending(p(-1)),
            Tag::Fixtures(p(123_456)),
            Tag::User(UserId(42)),
        ] {
            assert_eq!(tag.to_string().parse::<Tag>(), Ok(tag));
            let json = serde_json::to_string(&tag).unwrap();
            assert_eq!(serde_json::from_str::<Tag>(&json).unwrap(), tag);
        }
        assert_eq!(Tag::User(UserId(42)).to_string(), "user:42");
        for bad in ["", "player", "player:x", "team:1", "club:1", "user:x"] {
            assert!(bad.parse::<Tag>().is_err(), "{bad}");
        }
    }
}
