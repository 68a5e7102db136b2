//! Use cases: each opens its transaction, applies the domain rules through persistence and
//! returns response DTOs built by `views`.

pub mod championships;
