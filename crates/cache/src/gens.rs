//! Generation counters, the mechanism behind correct invalidation.
//!
//! Every value is stored under its key *plus* the generations of the global epoch, its family
//! and each of its tags, read before the value was computed. Invalidating bumps generations,
//! so a value computed from a database snapshot older than the bump sits under a name nobody
//! looks up any more — no matter when its (slow) computation finishes. That closes the
//! stale-set race without locks or compare-and-set.
//!
//! There are two sets of counters: the local ones (this process, L1 names) and the Redis ones
//! (`{ns}:gen:…`, L2 names, shared by all instances). They are deliberately independent:
//! local counters bump on every invalidation this process applies, including ones made while
//! Redis was unreachable, whose Redis bump is queued and replayed later.

use std::collections::{HashMap, HashSet};
use std::sync::{PoisonError, RwLock};

use serde::{Deserialize, Serialize};

use crate::key::{Family, Key, MAX_TAGS, Tag};

/// One generation counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum GenKey {
    /// Bumped by a global flush; part of every name.
    Epoch,
    /// Bumped by `clear(Some(family))`.
    Family(Family),
    /// Bumped by `invalidate(tag)`.
    Tag(Tag),
}

/// Number of generations in a name: epoch, family, up to [`MAX_TAGS`] tags.
pub(crate) const GENS: usize = 2 + MAX_TAGS;

impl GenKey {
    /// The counters a key's names depend on, in name order.
    pub(crate) fn for_key(key: &Key) -> Vec<GenKey> {
        let mut keys = Vec::with_capacity(GENS);
        keys.push(GenKey::Epoch);
        keys.push(GenKey::Family(key.family()));
        key.for_each_tag(|t| keys.push(GenKey::Tag(t)));
        keys
    }

    /// The Redis counter's name. Families live under `gen:family:` and tags are never `epoch`
    /// nor start with `family`, so the three kinds cannot collide.
    pub(crate) fn redis_name(&self, namespace: &str) -> String {
        match self {
            GenKey::Epoch => format!("{namespace}:gen:epoch"),
            GenKey::Family(f) => format!("{namespace}:gen:family:{f}"),
            GenKey::Tag(t) => format!("{namespace}:gen:{t}"),
        }
    }
}

/// This process's generations (L1 names). A missing counter is 0.
#[derive(Debug, Default)]
pub(crate) struct LocalGens {
    map: RwLock<HashMap<GenKey, u64>>,
}

impl LocalGens {
    /// The generations of `key`'s counters, zero-padded to a fixed size (the L1 name suffix).
    pub(crate) fn snapshot(&self, key: &Key) -> [u64; GENS] {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        let get = |k: &GenKey| map.get(k).copied().unwrap_or(0);
        let mut gens = [0; GENS];
        gens[0] = get(&GenKey::Epoch);
        gens[1] = get(&GenKey::Family(key.family()));
        let mut i = 2;
        key.for_each_tag(|t| {
            gens[i] = get(&GenKey::Tag(t));
            i += 1;
        });
        gens
    }

    /// Bumps every counter `bump` names.
    pub(crate) fn bump(&self, bump: &Bump) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        for key in bump.gen_keys() {
            *map.entry(key).or_insert(0) += 1;
        }
    }
}

/// An invalidation: what one write (or clear) bumps. It is applied locally, replayed in Redis
/// (INCR) and published to the other instances as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Bump {
    /// Global flush (epoch).
    #[serde(default)]
    pub(crate) all: bool,
    /// Families cleared.
    #[serde(default)]
    pub(crate) families: Vec<Family>,
    /// Tags invalidated.
    #[serde(default)]
    pub(crate) tags: Vec<Tag>,
}

/// Queued bumps beyond this many tags collapse into a global flush, bounding memory while
/// Redis is away.
const MAX_PENDING_TAGS: usize = 10_000;

impl Bump {
    pub(crate) fn tags(tags: &[Tag]) -> Self {
        let mut tags = tags.to_vec();
        tags.sort_unstable();
        tags.dedup();
        Self {
            tags,
            ..Self::default()
        }
    }

    pub(crate) fn family(family: Family) -> Self {
        Self {
            families: vec![family],
            ..Self::default()
        }
    }

    pub(crate) fn all() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.all && self.families.is_empty() && self.tags.is_empty()
    }

    pub(crate) fn gen_keys(&self) -> Vec<GenKey> {
        let mut keys = Vec::with_capacity(1 + self.families.len() + self.tags.len());
        if self.all {
            keys.push(GenKey::Epoch);
        }
        keys.extend(self.families.iter().copied().map(GenKey::Family));
        keys.extend(self.tags.iter().copied().map(GenKey::Tag));
        keys
    }

    /// Whether an L1 entry for `key` is affected.
    pub(crate) fn affects(&self, key: &Key) -> bool {
        self.all
            || self.families.contains(&key.family())
            || self.tags.iter().any(|t| key.has_tag(t))
    }

    /// Adds `other` to this queued bump (deduplicated; a global flush absorbs everything).
    pub(crate) fn merge(&mut self, other: Bump) {
        self.all |= other.all;
        if self.all {
            self.families.clear();
            self.tags.clear();
            return;
        }
        let families: HashSet<Family> = self.families.drain(..).chain(other.families).collect();
        let tags: HashSet<Tag> = self.tags.drain(..).chain(other.tags).collect();
        if tags.len() > MAX_PENDING_TAGS {
            *self = Bump::all();
            return;
        }
        self.families = families.into_iter().collect();
        self.families.sort_unstable();
        self.tags = tags.into_iter().collect();
        self.tags.sort_unstable();
    }
}

/// A pub/sub message: a bump and the instance that made it (which skips its own messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Message {
    pub(crate) origin: u64,
    #[serde(flatten)]
    pub(crate) bump: Bump,
}

#[cfg(test)]
mod tests {
    use ttstats_domain::PlayerId;

    use super::*;

    #[test]
    fn a_bump_changes_exactly_the_snapshots_of_affected_keys() {
        let gens = LocalGens::default();
        let a = Key::PlayerStats(PlayerId(1));
        let b = Key::PlayerStats(PlayerId(2));
        let h2h = Key::HeadToHead(PlayerId(2), PlayerId(1));
        let (sa, sb, sh) = (gens.snapshot(&a), gens.snapshot(&b), gens.snapshot(&h2h));
        gens.bump(&Bump::tags(&[Tag::Player(PlayerId(1))]));
        assert_ne!(gens.snapshot(&a), sa);
        assert_eq!(gens.snapshot(&b), sb);
        assert_ne!(gens.snapshot(&h2h), sh);
        gens.bump(&Bump::family(crate::Family::PlayerStats));
        assert_ne!(gens.snapshot(&b), sb);
        let sh = gens.snapshot(&h2h);
        assert_eq!(gens.snapshot(&h2h), sh);
        gens.bump(&Bump::all());
        assert_ne!(gens.snapshot(&h2h), sh);
    }

    #[test]
    fn redis_names_of_counters_are_distinct() {
        let names: HashSet<String> = [
            GenKey::Epoch,
            GenKey::Family(Family::Pending),
            GenKey::Tag(Tag::Pending(PlayerId(1))),
            GenKey::Tag(Tag::Players),
            GenKey::Family(Family::Leaderboard),
            GenKey::Tag(Tag::Club),
        ]
        .iter()
        .map(|g| g.redis_name("t:v1"))
        .collect();
        assert_eq!(names.len(), 6);
        assert!(names.contains("t:v1:gen:pending:1"));
        assert!(names.contains("t:v1:gen:family:pending"));
        assert!(names.contains("t:v1:gen:epoch"));
    }

    #[test]
    fn merging_deduplicates_and_a_flush_absorbs_everything() {
        let mut q = Bump::tags(&[Tag::Club, Tag::Player(PlayerId(1))]);
        q.merge(Bump::tags(&[Tag::Club]));
        q.merge(Bump::family(Family::Pending));
        assert_eq!(q.tags, [Tag::Club, Tag::Player(PlayerId(1))]);
        assert_eq!(q.families, [Family::Pending]);
        q.merge(Bump::all());
        assert_eq!(q, Bump::all());
        q.merge(Bump::tags(&[Tag::Club]));
        assert_eq!(q, Bump::all());
    }

    #[test]
    fn too_many_queued_tags_become_a_global_flush() {
        let mut q = Bump::default();
        let many: Vec<Tag> = (0..=MAX_PENDING_TAGS as i64)
            .map(|i| Tag::Player(PlayerId(i)))
            .collect();
        q.merge(Bump::tags(&many));
        assert!(q.all);
        assert!(q.tags.is_empty());
    }

    #[test]
    fn messages_are_compact_json() {
        let msg = Message {
            origin: 7,
            bump: Bump::tags(&[Tag::Pending(PlayerId(3))]),
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(
            json,
            r#"{"origin":7,"all":false,"families":[],"tags":["pending:3"]}"#
        );
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), msg);
    }
}
