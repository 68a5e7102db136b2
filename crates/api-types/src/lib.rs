//! ttstats-api-types.
