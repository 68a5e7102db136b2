//! ttstats-cache.
