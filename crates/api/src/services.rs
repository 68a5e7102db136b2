//! Use cases: free functions that open a transaction, apply the domain rules and persist.

pub mod accounts;
pub mod admin_users;
