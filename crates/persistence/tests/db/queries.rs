use chrono::{Duration, NaiveDate};
use ttstats_domain::DomainError;
use ttstats_domain::calendar::YearMonth;
use ttstats_domain::championship::Viewer;
use ttstats_domain::leaderboard::{
    EmptyReason, KindFilter, Leaderboard, LeaderboardFilter, Period,
};
use ttstats_domain::player_stats::{HistoryPage, PageRequest};
use ttstats_domain::{MatchId, PlayerId};
use ttstats_persistence::matches::MatchFull;
use ttstats_persistence::queries::{
    calendar, dashboard, head_to_head, leaderboard, pending, player_stats,
};
use ttstats_persistence::{Db, DbError, both_backends, match_writes};

use crate::fixtures::*;

const DAY: i64 = 24 * 60;
const LOSS_0_3: [(i64, i64); 3] = [(5, 11), (7, 11), (9, 11)];
const UNFINISHED: [(i64, i64); 2] = [(11, 5), (11, 7)];

async fn board(db: &Db, filter: LeaderboardFilter) -> Leaderboard {
    db.run(async |conn| leaderboard::leaderboard(conn, &filter, now()).await)
        .await
        .unwrap()
}

fn filter(kind: KindFilter, period: Period) -> LeaderboardFilter {
    LeaderboardFilter {
        kind,
        period,
        limit: 0,
    }
}

fn custom(from: NaiveDate, to: NaiveDate) -> Period {
    Period::Custom { from, to }
}

fn days_ago(days: i64) -> NaiveDate {
    (now() - Duration::days(days)).date_naive()
}

/// Matches counted for `player`, or `None` when they have no row.
fn matches_on(board: &Leaderboard, player: PlayerId) -> Option<u32> {
    board
        .items
        .iter()
        .find(|r| r.player.id == player)
        .map(|r| r.matches)
}

async fn history(db: &Db, player: PlayerId, page: u32, per_page: u32) -> HistoryPage {
    db.run(async |conn| {
        player_stats::player_history(conn, player, PageRequest { page, per_page }).await
    })
    .await
    .unwrap()
}

async fn awaiting(db: &Db, player: PlayerId, page: u32, per_page: u32) -> Vec<MatchId> {
    db.run(async |conn| {
        pending::awaiting_confirmation(conn, player, PageRequest { page, per_page }).await
    })
    .await
    .unwrap()
    .items
    .iter()
    .map(MatchFull::id)
    .collect()
}

async fn badges(db: &Db, player: PlayerId) -> pending::Badges {
    db.run(async |conn| pending::badges(conn, player).await)
        .await
        .unwrap()
}

both_backends!(
    the_default_board_equals_the_board_computed_from_matches,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let (g, h, k) = (
            guest(db, "gary").await,
            guest(db, "hank").await,
            guest(db, "kim").await,
        );
        let id = create_id(db, &singles(a, b, &WIN_3_0, 60)).await;
        confirm(db, id, a).await;
        confirm(db, id, b).await;
        create(db, &singles(g, a, &WIN_3_0, 50)).await;
        let five_games = [(11, 9), (9, 11), (11, 7), (11, 13), (12, 10)];
        create(db, &doubles([b, g], [h, k], &five_games, 40)).await;
        create(db, &singles(b, h, &UNFINISHED, 30)).await;

        let default = board(db, LeaderboardFilter::default()).await;
        let all_dates = custom(days_ago(10_000), days_ago(-10_000));
        let from_matches = board(
            db,
            LeaderboardFilter {
                limit: LeaderboardFilter::DEFAULT_LIMIT,
                ..filter(KindFilter::All, all_dates)
            },
        )
        .await;
        assert_eq!(default.items.len(), 5);
        assert_eq!(default.items, from_matches.items);
        assert_eq!(default.total, from_matches.total);
        assert_eq!(default.biggest_mover, from_matches.biggest_mover);
        assert_eq!(
            (default.empty_reason, from_matches.empty_reason),
            (None, None)
        );
        assert!(
            default.items.iter().any(|r| r.movement_7d != 0),
            "the matches were confirmed just now, so ratings moved this week"
        );
    }
);

both_backends!(
    a_filtered_board_counts_only_its_kind_and_window,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "alice").await;
        let (g1, g2, g3, g4) = (
            guest(db, "g1").await,
            guest(db, "g2").await,
            guest(db, "g3").await,
            guest(db, "g4").await,
        );
        create(db, &singles(a, g1, &WIN_3_0, 40 * DAY)).await;
        create(db, &singles(a, g2, &LOSS_0_3, DAY)).await;
        create(db, &doubles([a, g3], [g1, g4], &WIN_3_0, 10 * DAY)).await;

        let singles_board = board(db, filter(KindFilter::Singles, Period::All)).await;
        assert_eq!(matches_on(&singles_board, a), Some(2));
        assert_eq!(matches_on(&singles_board, g1), Some(1));
        assert_eq!(matches_on(&singles_board, g3), None);
        let a_row = singles_board
            .items
            .iter()
            .find(|r| r.player.id == a)
            .unwrap();
        assert_eq!((a_row.wins, a_row.losses, a_row.games), (1, 1, 6));

        let doubles_board = board(db, filter(KindFilter::Doubles, Period::All)).await;
        assert_eq!(doubles_board.total, 4);
        assert_eq!(matches_on(&doubles_board, g2), None);

        let last_30 = board(db, filter(KindFilter::All, Period::Last30Days)).await;
        assert_eq!(matches_on(&last_30, a), Some(2));
        assert_eq!(
            matches_on(&last_30, g1),
            Some(1),
            "g1's singles 40 days ago is outside the window"
        );

        let day_40 = board(
            db,
            filter(KindFilter::All, custom(days_ago(40), days_ago(40))),
        )
        .await;
        assert_eq!(day_40.total, 2);
        assert_eq!(matches_on(&day_40, a), Some(1));
        assert_eq!(matches_on(&day_40, g1), Some(1));

        let nothing = board(
            db,
            filter(KindFilter::All, custom(days_ago(5), days_ago(3))),
        )
        .await;
        assert!(nothing.items.is_empty());
        assert_eq!(nothing.empty_reason, Some(EmptyReason::NoResults));
    }
);

both_backends!(
    a_club_without_confirmed_matches_has_no_matches_rather_than_no_results,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        create(db, &singles(a, b, &WIN_3_0, 60)).await;
        create(db, &singles(a, b, &UNFINISHED, 30)).await;
        for f in [
            LeaderboardFilter::default(),
            filter(KindFilter::Singles, Period::Last30Days),
        ] {
            let empty = board(db, f).await;
            assert!(empty.items.is_empty());
            assert_eq!(empty.empty_reason, Some(EmptyReason::NoMatches), "{f}");
        }
    }
);

both_backends!(
    unfinished_and_pending_matches_are_never_counted,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let counted = create_id(db, &singles(a, b, &WIN_3_0, 60)).await;
        confirm(db, counted, a).await;
        confirm(db, counted, b).await;
        let waiting = create_id(db, &singles(a, b, &LOSS_0_3, 50)).await;
        confirm(db, waiting, b).await;
        create(db, &singles(a, b, &UNFINISHED, 40)).await;

        for f in [
            LeaderboardFilter::default(),
            filter(KindFilter::All, Period::Last30Days),
        ] {
            let shown = board(db, f).await;
            assert_eq!(matches_on(&shown, a), Some(1), "{f}");
            assert_eq!(matches_on(&shown, b), Some(1), "{f}");
        }
        let stats = db
            .run(async |conn| player_stats::player_stats(conn, a).await)
            .await
            .unwrap()
            .stats;
        assert_eq!(
            (stats.total_matches, stats.wins, stats.losses),
            (1, 1, 0),
            "neither the pending loss nor the unfinished match counts"
        );
        assert_eq!(history(db, a, 1, 20).await.total, 1);
        let h2h = db
            .run(async |conn| head_to_head::head_to_head(conn, a, b).await)
            .await
            .unwrap();
        assert_eq!(h2h.total_matches, 1);
        assert_eq!(awaiting(db, a, 1, 20).await, vec![waiting]);
    }
);

both_backends!(head_to_head_of_b_and_a_mirrors_a_and_b, |t| async move {
    let db = &t.db;
    let (a, b, c, d) = (
        guest(db, "ann").await,
        guest(db, "ben").await,
        guest(db, "cy").await,
        guest(db, "dee").await,
    );
    create(db, &singles(a, b, &WIN_3_0, 50)).await;
    create(
        db,
        &singles(b, a, &[(11, 9), (8, 11), (11, 6), (13, 11)], 40),
    )
    .await;
    create(
        db,
        &singles(a, b, &[(11, 9), (9, 11), (11, 7), (11, 13), (12, 10)], 30),
    )
    .await;
    create(db, &doubles([a, b], [c, d], &WIN_3_0, 20)).await;
    create(db, &doubles([a, c], [b, d], &LOSS_0_3, 10)).await;
    create(db, &singles(a, c, &WIN_3_0, 5)).await;

    let (ab, ba) = db
        .run(async |conn| {
            Ok((
                head_to_head::head_to_head(conn, a, b).await?,
                head_to_head::head_to_head(conn, b, a).await?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(ab.total_matches, 3);
    assert_eq!((ab.player1_match_wins, ab.player2_match_wins), (2, 1));
    assert_eq!(
        (ab.player1_match_wins, ab.player2_match_wins),
        (ba.player2_match_wins, ba.player1_match_wins)
    );
    assert_eq!(
        (ab.player1_game_wins, ab.player2_game_wins),
        (ba.player2_game_wins, ba.player1_game_wins)
    );
    assert_eq!(
        ab.match_margins,
        ba.match_margins.iter().map(|m| -m).collect::<Vec<_>>()
    );
    assert_eq!(ab.games.len(), ba.games.len());
    for (x, y) in ab.games.iter().zip(&ba.games) {
        assert_eq!((x.player1_points, x.diff), (y.player2_points, -y.diff));
    }
    assert_eq!((ab.doubles_together, ab.doubles_against), (1, 1));
    assert_eq!((ba.doubles_together, ba.doubles_against), (1, 1));

    let (pair_ab, pair_ba) = db
        .run(async |conn| {
            Ok((
                head_to_head::pair_stats(conn, a, b).await?,
                head_to_head::pair_stats(conn, b, a).await?,
            ))
        })
        .await
        .unwrap();
    assert_eq!((pair_ab.matches, pair_ab.wins), (1, 1));
    assert_eq!(pair_ab, pair_ba);
});

both_backends!(
    head_to_head_refuses_one_player_twice_and_unknown_players,
    |t| async move {
        let db = &t.db;
        let a = guest(db, "ann").await;
        let same = db
            .run(async |conn| head_to_head::head_to_head(conn, a, a).await)
            .await;
        assert!(matches!(
            same,
            Err(DbError::Rule(DomainError::PlayersNotDistinct))
        ));
        let unknown = db
            .run(async |conn| head_to_head::pair_stats(conn, a, PlayerId(9_999)).await)
            .await;
        assert!(matches!(unknown, Err(DbError::NotFound)));
    }
);

both_backends!(
    history_pagination_past_the_end_returns_no_items_with_the_right_total,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let oldest = create_id(db, &singles(a, g, &WIN_3_0, 30)).await;
        let middle = create_id(db, &singles(a, g, &LOSS_0_3, 20)).await;
        let newest = create_id(db, &singles(g, a, &LOSS_0_3, 10)).await;

        let first = history(db, a, 1, 2).await;
        let ids: Vec<MatchId> = first.items.iter().map(|i| i.match_id).collect();
        assert_eq!(ids, vec![newest, middle]);
        assert_eq!(first.total, 3);
        let newest_item = &first.items[0];
        assert_eq!(
            (
                newest_item.own_games,
                newest_item.opponent_games,
                newest_item.won
            ),
            (3, 0, true),
            "oriented to alice although she played on side 2"
        );
        assert_eq!(newest_item.opponent, "gary");

        let second = history(db, a, 2, 2).await;
        assert_eq!(
            second.items.iter().map(|i| i.match_id).collect::<Vec<_>>(),
            vec![oldest]
        );
        let past_the_end = history(db, a, 5, 2).await;
        assert!(past_the_end.items.is_empty());
        assert_eq!((past_the_end.page, past_the_end.total), (5, 3));

        let changes: i32 = first
            .items
            .iter()
            .chain(&second.items)
            .map(|i| i.rating_change.unwrap())
            .sum();
        assert_eq!(changes, player(db, a).await.rating - 1500);
    }
);

both_backends!(
    player_stats_carry_the_rating_chart_and_achievement_progress,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        create(db, &singles(a, g, &WIN_3_0, 30)).await;
        create(db, &singles(a, g, &WIN_3_0, 20)).await;
        let view = db
            .run(async |conn| player_stats::player_stats(conn, a).await)
            .await
            .unwrap();
        assert_eq!(view.stats.total_matches, 2);
        assert!(view.stats.verified);
        let chart: Vec<i32> = view.rating_history.iter().map(|p| p.rating).collect();
        assert_eq!(chart.len(), 3);
        assert_eq!(chart[0], 1500);
        assert_eq!(chart[2], player(db, a).await.rating);
        assert_eq!(view.achievements.progress.len(), 12);
        let unknown = db
            .run(async |conn| player_stats::player_stats(conn, PlayerId(9_999)).await)
            .await;
        assert!(matches!(unknown, Err(DbError::NotFound)));
    }
);

both_backends!(
    pending_count_excludes_matches_already_confirmed_by_the_player,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let g = guest(db, "gary").await;
        let nobody_confirmed = create_id(db, &singles(a, b, &WIN_3_0, 60)).await;
        let alice_confirmed = create_id(db, &singles(b, a, &WIN_3_0, 50)).await;
        confirm(db, alice_confirmed, a).await;
        let both_confirmed = create_id(db, &singles(a, b, &WIN_3_0, 40)).await;
        confirm(db, both_confirmed, a).await;
        confirm(db, both_confirmed, b).await;
        create(db, &singles(a, g, &WIN_3_0, 30)).await;
        create(db, &singles(a, b, &UNFINISHED, 20)).await;

        assert_eq!(awaiting(db, a, 1, 20).await, vec![nobody_confirmed]);
        assert_eq!(
            awaiting(db, b, 1, 20).await,
            vec![alice_confirmed, nobody_confirmed]
        );
        assert_eq!(awaiting(db, b, 2, 1).await, vec![nobody_confirmed]);
        assert!(awaiting(db, g, 1, 20).await.is_empty());
        assert_eq!(badges(db, a).await.pending_confirmations, 1);
        assert_eq!(badges(db, b).await.pending_confirmations, 2);

        let personal = db
            .run(async |conn| dashboard::personal_dashboard(conn, a, now()).await)
            .await
            .unwrap();
        assert_eq!(personal.waiting_on_you.pending_confirmations, 1);
        let item = &personal.waiting_on_you.items[0];
        assert_eq!((item.match_id, item.won), (nobody_confirmed, true));
        assert!(item.projected_delta > 0, "alice would gain from her win");

        let mut live = singles(a, b, &[], 1);
        live.live_scorekeeper = Some(a);
        create(db, &live).await;
        let (ba, bb, bc) = (
            badges(db, a).await,
            badges(db, b).await,
            badges(db, c).await,
        );
        assert_eq!(
            (ba.live_matches, bb.live_matches, bc.live_matches),
            (1, 1, 0)
        );
        assert_eq!(ba.rank, 1, "alice won everything");
        let bob = player(db, b).await.rating;
        let mut above = 0;
        for p in [a, c, g] {
            if player(db, p).await.rating > bob {
                above += 1;
            }
        }
        assert_eq!(bb.rank, 1 + above);
    }
);

both_backends!(
    the_calendar_shows_a_fixture_on_its_day_to_those_who_may_see_it,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let g = guest(db, "gary").await;
        let today = now().date_naive();
        let day = today + Duration::days(3);
        let coming = fixture(db, day, &[a], &[b]).await;
        let earlier = fixture(db, today - Duration::days(7), &[a], &[b]).await;
        let played = create_id(db, &singles(a, g, &WIN_3_0, DAY)).await;
        let month = YearMonth::of(today);
        let view_of = async |viewer: Viewer| {
            db.run(async |conn| calendar::calendar_month(conn, viewer, month, now()).await)
                .await
                .unwrap()
        };

        let alice = view_of(Viewer {
            player: Some(a),
            is_admin: false,
        })
        .await;
        let on = |date: NaiveDate| {
            alice
                .month
                .weeks
                .iter()
                .flatten()
                .find(|d| d.date == date)
                .unwrap()
                .clone()
        };
        assert_eq!(on(day).fixtures, vec![coming]);
        assert_eq!(on(today - Duration::days(7)).fixtures, vec![earlier]);
        assert_eq!(on(today - Duration::days(1)).matches, vec![played]);
        assert_eq!(alice.upcoming, vec![coming]);
        let shown = alice.fixtures.iter().find(|f| f.id() == coming).unwrap();
        assert_eq!(
            (shown.side1.clone(), shown.side2.clone()),
            (vec![a], vec![b])
        );
        assert!(
            shown.win_probability.side1 > 50,
            "alice's win lifted her above bob"
        );
        assert_eq!(
            alice.matches.iter().map(MatchFull::id).collect::<Vec<_>>(),
            vec![played]
        );

        let carol = view_of(Viewer {
            player: Some(c),
            is_admin: false,
        })
        .await;
        assert!(carol.fixtures.is_empty() && carol.upcoming.is_empty());
        assert!(carol.matches.is_empty());

        let admin = view_of(Viewer {
            player: None,
            is_admin: true,
        })
        .await;
        assert_eq!(admin.upcoming, vec![coming]);
        assert_eq!(admin.fixtures.len(), 2);
    }
);

both_backends!(
    the_dashboard_shows_recent_matches_rivalries_and_the_next_fixtures,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let (g, h) = (guest(db, "gary").await, guest(db, "hank").await);
        let mut confirmed = Vec::new();
        for minutes in [70, 60, 50, 40, 30, 20] {
            let opponent = if minutes % 20 == 0 { g } else { h };
            confirmed.push(create_id(db, &singles(a, opponent, &WIN_3_0, minutes)).await);
        }
        create(db, &singles(a, b, &WIN_3_0, 10)).await;
        let today = now().date_naive();
        let tomorrow = fixture(db, today + Duration::days(1), &[a], &[b]).await;
        let open = fixture(db, today + Duration::days(2), &[a], &[]).await;
        let third = fixture(db, today + Duration::days(3), &[g], &[a]).await;
        fixture(db, today + Duration::days(4), &[a], &[h]).await;
        fixture(db, today - Duration::days(1), &[a], &[b]).await;

        let club = db
            .run(async |conn| dashboard::club_dashboard(conn).await)
            .await
            .unwrap();
        assert_eq!((club.total_players, club.total_confirmed_matches), (4, 6));
        let recent: Vec<MatchId> = club.recent_matches.iter().map(MatchFull::id).collect();
        let newest_five: Vec<MatchId> = confirmed.iter().rev().take(5).copied().collect();
        assert_eq!(recent, newest_five);

        let personal = db
            .run(async |conn| dashboard::personal_dashboard(conn, a, now()).await)
            .await
            .unwrap();
        let rivals: Vec<(PlayerId, u32, u32)> = personal
            .rivalries
            .iter()
            .map(|r| (r.opponent.row.player_id(), r.rivalry.wins, r.rivalry.played))
            .collect();
        assert_eq!(rivals, vec![(g, 3, 3), (h, 3, 3)]);
        let fixtures: Vec<_> = personal
            .fixtures
            .iter()
            .map(|f| (f.fixture.id(), f.opponent_label.as_str()))
            .collect();
        assert_eq!(
            fixtures,
            vec![(tomorrow, "bob"), (open, "TBC"), (third, "gary")]
        );
    }
);

both_backends!(
    a_match_deleted_after_confirmation_leaves_every_statistic,
    |t| async move {
        let db = &t.db;
        let (a, g) = (verified_player(db, "alice").await, guest(db, "gary").await);
        let id = create_id(db, &singles(a, g, &WIN_3_0, 30)).await;
        db.transaction(async |conn| match_writes::delete_match(conn, id, now()).await)
            .await
            .unwrap();
        let default = board(db, LeaderboardFilter::default()).await;
        assert_eq!(default.empty_reason, Some(EmptyReason::NoMatches));
        assert_eq!(history(db, a, 1, 20).await.total, 0);
    }
);
