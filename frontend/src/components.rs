//! Widgets shared by several pages.

pub mod achievements;
pub mod chart;
pub mod loading;
pub mod match_card;
pub mod nav;
pub mod player_select;
pub mod problem_view;
