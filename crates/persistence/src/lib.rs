//! ttstats-persistence.
