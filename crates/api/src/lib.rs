//! ttstats api.
