//! Use cases: each opens its transaction, applies domain rules through persistence, and
//! invalidates cache tags after commit.

pub mod operations;
