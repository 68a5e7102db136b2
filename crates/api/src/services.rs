//! Use cases: free functions that open the transaction, check permissions, and call the domain
//! rules and the persistence functions (STYLE.md §3).

pub mod live;
