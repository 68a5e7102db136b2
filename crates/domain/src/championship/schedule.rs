//! The round-robin schedule (circle method) and entry linking (DOMAIN.md §3.13).

use chrono::{Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Entry, entries_in_order};
use crate::{EntryId, PlayerId};

/// Kick-off time of every generated fixture: 18:00.
pub const FIXTURE_TIME: NaiveTime = match NaiveTime::from_hms_opt(18, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// One game of the round robin: `home` is side 1, `away` side 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pairing<T> {
    /// 1-based round number.
    pub round: u32,
    /// Side 1.
    pub home: T,
    /// Side 2.
    pub away: T,
}

/// A fixture of a generated schedule, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedFixture {
    /// 1-based round number.
    pub round_number: u32,
    /// `start_date` + 7 × (round − 1) days.
    pub scheduled_date: NaiveDate,
    /// Always [`FIXTURE_TIME`].
    pub scheduled_time: NaiveTime,
    /// The home entry.
    pub side1_entry: EntryId,
    /// The away entry.
    pub side2_entry: EntryId,
    /// The home entry's members.
    pub side1: Vec<PlayerId>,
    /// The away entry's members.
    pub side2: Vec<PlayerId>,
}

/// A championship's fixtures (round by round, home entry order within a round) and its
/// derived end date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Every fixture, ordered by round then by position in the circle.
    pub fixtures: Vec<GeneratedFixture>,
    /// The last round's date; `None` without fixtures (fewer than 2 entries).
    pub end_date: Option<NaiveDate>,
}

/// The circle method exactly as §3.13 describes it, over `slots` already in entry order.
///
/// A bye is appended when the count is odd; n = slot count. For rounds 1 … n−1, slot i (home)
/// meets slot n−1−i (away) for i < n/2, byes skipped; then every slot but the first rotates:
/// [s0, s(n−1), s1, …, s(n−2)]. With `home_and_away`, rounds n … 2(n−1) repeat rounds 1 … n−1
/// with home and away swapped. Fewer than 2 entries give no pairings.
#[must_use]
pub fn round_robin<T: Copy>(entries: &[T], home_and_away: bool) -> Vec<Pairing<T>> {
    let mut slots: Vec<Option<T>> = entries.iter().copied().map(Some).collect();
    if slots.len() % 2 == 1 {
        slots.push(None);
    }
    let n = slots.len();
    if n < 2 {
        return Vec::new();
    }
    let rounds = (n - 1) as u32;
    let mut pairings = Vec::with_capacity(n / 2 * (n - 1) * if home_and_away { 2 } else { 1 });
    for round in 1..=rounds {
        for i in 0..n / 2 {
            if let (Some(home), Some(away)) = (slots[i], slots[n - 1 - i]) {
                pairings.push(Pairing { round, home, away });
            }
        }
        slots[1..].rotate_right(1);
    }
    if home_and_away {
        let second_leg: Vec<Pairing<T>> = pairings
            .iter()
            .map(|p| Pairing {
                round: p.round + rounds,
                home: p.away,
                away: p.home,
            })
            .collect();
        pairings.extend(second_leg);
    }
    pairings
}

/// The date of `round`: `start_date` + 7 × (round − 1) days.
#[must_use]
pub fn round_date(start_date: NaiveDate, round: u32) -> NaiveDate {
    let weeks = u64::from(round.saturating_sub(1));
    start_date
        .checked_add_days(Days::new(7 * weeks))
        .unwrap_or(NaiveDate::MAX)
}

/// Generates a championship's fixtures from its entries (sorted into entry order here).
/// Location and kind come from the championship; the caller adds them.
#[must_use]
pub fn generate_schedule(
    entries: &[Entry],
    start_date: NaiveDate,
    home_and_away: bool,
) -> Schedule {
    let ordered = entries_in_order(entries);
    let fixtures: Vec<GeneratedFixture> = round_robin(&ordered, home_and_away)
        .into_iter()
        .map(|p| GeneratedFixture {
            round_number: p.round,
            scheduled_date: round_date(start_date, p.round),
            scheduled_time: FIXTURE_TIME,
            side1_entry: p.home.id,
            side2_entry: p.away.id,
            side1: p.home.members.clone(),
            side2: p.away.members.clone(),
        })
        .collect();
    let end_date = fixtures.iter().map(|f| f.scheduled_date).max();
    Schedule { fixtures, end_date }
}

/// The entry whose members are exactly `side`'s players (in any order), for filling an empty
/// entry link on a championship match or fixture.
#[must_use]
pub fn link_entry(entries: &[Entry], side: &[PlayerId]) -> Option<EntryId> {
    let mut wanted = side.to_vec();
    wanted.sort_unstable();
    entries
        .iter()
        .find(|e| {
            let mut members = e.members.clone();
            members.sort_unstable();
            members == wanted
        })
        .map(|e| e.id)
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use chrono::DateTime;
    use proptest::prelude::*;

    use super::*;

    fn entry(id: i64, seed: Option<i64>, members: &[i64]) -> Entry {
        Entry {
            id: EntryId(id),
            seed,
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            members: members.iter().copied().map(PlayerId).collect(),
        }
    }

    fn letters(pairings: &[Pairing<char>]) -> Vec<(u32, String)> {
        pairings
            .iter()
            .map(|p| (p.round, format!("{}–{}", p.home, p.away)))
            .collect()
    }

    #[test]
    fn example_4_four_entries_home_and_away() {
        let got = letters(&round_robin(&['A', 'B', 'C', 'D'], true));
        let want: Vec<(u32, String)> = [
            (1, "A–D"),
            (1, "B–C"),
            (2, "A–C"),
            (2, "D–B"),
            (3, "A–B"),
            (3, "C–D"),
            (4, "D–A"),
            (4, "C–B"),
            (5, "C–A"),
            (5, "B–D"),
            (6, "B–A"),
            (6, "D–C"),
        ]
        .iter()
        .map(|&(r, s)| (r, s.to_owned()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn example_4_dates_and_end_date() {
        // Entries given out of order: entry order (seed) makes them A, B, C, D.
        let entries = [
            entry(4, Some(4), &[40]),
            entry(2, Some(2), &[20]),
            entry(1, Some(1), &[10]),
            entry(3, Some(3), &[30]),
        ];
        let start: NaiveDate = "2026-03-02".parse().unwrap();
        let schedule = generate_schedule(&entries, start, true);
        assert_eq!(schedule.fixtures.len(), 12);
        assert_eq!(schedule.end_date, Some(start + Days::new(35)));
        let first = &schedule.fixtures[0];
        assert_eq!(
            (first.side1_entry, first.side2_entry),
            (EntryId(1), EntryId(4))
        );
        assert_eq!(
            (first.side1.clone(), first.side2.clone()),
            (vec![PlayerId(10)], vec![PlayerId(40)])
        );
        assert_eq!(
            first.scheduled_time,
            NaiveTime::from_hms_opt(18, 0, 0).unwrap()
        );
        let r4 = &schedule.fixtures[6];
        assert_eq!(r4.round_number, 4);
        assert_eq!(r4.scheduled_date, start + Days::new(21));
        assert_eq!((r4.side1_entry, r4.side2_entry), (EntryId(4), EntryId(1)));
    }

    #[test]
    fn an_odd_count_gets_a_bye_and_the_bye_never_plays() {
        let got = letters(&round_robin(&['A', 'B', 'C'], false));
        // slots A B C bye: R1 A–bye, B–C; R2 [A bye B C] → A–C, bye–B; R3 [A C bye B] → A–B, C–bye
        assert_eq!(
            got,
            vec![
                (1, "B–C".to_owned()),
                (2, "A–C".to_owned()),
                (3, "A–B".to_owned())
            ]
        );
        let schedule = generate_schedule(
            &[
                entry(1, None, &[1]),
                entry(2, None, &[2]),
                entry(3, None, &[3]),
            ],
            "2026-03-02".parse().unwrap(),
            true,
        );
        assert_eq!(schedule.fixtures.len(), 6, "e(e−1) home-and-away");
        assert_eq!(schedule.end_date, "2026-04-06".parse().ok());
    }

    #[test]
    fn fewer_than_two_entries_schedule_nothing() {
        assert!(round_robin::<char>(&[], true).is_empty());
        assert!(round_robin(&['A'], true).is_empty());
        let schedule = generate_schedule(&[entry(1, None, &[1])], NaiveDate::MIN, true);
        assert_eq!(schedule.fixtures, vec![]);
        assert_eq!(schedule.end_date, None);
    }

    #[test]
    fn a_side_links_to_the_entry_with_exactly_its_players() {
        let entries = [entry(1, None, &[1, 2]), entry(2, None, &[3, 4])];
        let side = |v: &[i64]| v.iter().copied().map(PlayerId).collect::<Vec<_>>();
        assert_eq!(link_entry(&entries, &side(&[4, 3])), Some(EntryId(2)));
        assert_eq!(link_entry(&entries, &side(&[1, 2])), Some(EntryId(1)));
        assert_eq!(link_entry(&entries, &side(&[1, 3])), None);
        assert_eq!(link_entry(&entries, &side(&[1])), None);
    }

    proptest! {
        #[test]
        fn every_pair_meets_once_per_leg_and_nobody_plays_twice_a_round(
            count in 2usize..=16,
            home_and_away in any::<bool>(),
        ) {
            let entries: Vec<usize> = (0..count).collect();
            let pairings = round_robin(&entries, home_and_away);
            let n = count + count % 2;
            let legs = if home_and_away { 2 } else { 1 };

            let rounds: HashSet<u32> = pairings.iter().map(|p| p.round).collect();
            let expected_rounds: HashSet<u32> = (1..=(legs * (n - 1)) as u32).collect();
            prop_assert_eq!(rounds, expected_rounds);

            let mut per_round: HashMap<u32, HashSet<usize>> = HashMap::new();
            for p in &pairings {
                prop_assert_ne!(p.home, p.away);
                let playing = per_round.entry(p.round).or_default();
                prop_assert!(playing.insert(p.home), "{} twice in round {}", p.home, p.round);
                prop_assert!(playing.insert(p.away), "{} twice in round {}", p.away, p.round);
            }

            let mut oriented: HashMap<(usize, usize), usize> = HashMap::new();
            for p in &pairings {
                *oriented.entry((p.home, p.away)).or_default() += 1;
            }
            for a in 0..count {
                for b in (a + 1)..count {
                    let ab = oriented.get(&(a, b)).copied().unwrap_or(0);
                    let ba = oriented.get(&(b, a)).copied().unwrap_or(0);
                    if home_and_away {
                        prop_assert_eq!((ab, ba), (1, 1), "{} and {}", a, b);
                    } else {
                        prop_assert_eq!(ab + ba, 1, "{} and {}", a, b);
                    }
                }
            }
            prop_assert_eq!(pairings.len(), legs * count * (count - 1) / 2);
        }
    }
}
