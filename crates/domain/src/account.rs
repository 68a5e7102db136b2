//! Account rules: username and e-mail formats, the password policy, verification-token expiry
//! and the sign-in decision (DOMAIN.md §2 users, §4.3).
//!
//! Lengths are counted in characters (Unicode scalar values), not bytes, except the e-mail
//! limits, which RFC 5321 sets in octets.

use chrono::{DateTime, TimeDelta, Utc};

use crate::DomainError;

/// Shortest allowed password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest allowed password, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;
/// How long a verification link stays valid after it was sent.
pub const VERIFICATION_TOKEN_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// Refused passwords, lowercase; compared with the trimmed, lowercased password. The most
/// frequent entries of public breach lists, with profanity left out; entries shorter than
/// 8 characters are kept so the user hears every reason at once.
#[rustfmt::skip]
pub const COMMON_PASSWORDS: &[&str] = &[
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567",
    "dragon", "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow",
    "master", "666666", "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321",
    "superman", "1qaz2wsx", "7777777", "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1",
    "jordan", "jennifer", "zxcvbnm", "asdfgh", "hunter", "buster", "soccer", "harley", "batman",
    "andrew", "tigger", "sunshine", "iloveyou", "charlie", "robert", "thomas", "hockey", "ranger",
    "daniel", "starwars", "112233", "george", "computer", "michelle", "jessica", "pepper", "zxcvbn",
    "555555", "11111111", "131313", "freedom", "777777", "maggie", "159753", "aaaaaa", "ginger",
    "princess", "joshua", "cheese", "amanda", "summer", "ashley", "nicole", "chelsea", "matthew",
    "access", "yankees", "987654321", "dallas", "austin", "thunder", "taylor", "matrix",
    "password1", "password123", "qwerty123", "welcome", "welcome1", "admin123", "passw0rd",
    "p@ssw0rd", "iloveyou1", "1q2w3e4r", "1q2w3e4r5t", "zaq12wsx", "qwertyui", "asdfghjkl",
    "12341234", "87654321", "00000000", "123123123", "1234qwer", "q1w2e3r4", "abcd1234", "changeme",
    "whatever", "football1", "baseball1", "sunshine1", "princess1", "letmein1",
];

/// What the password must not resemble (DOMAIN.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonalInfo<'a> {
    /// The username.
    pub username: &'a str,
    /// The e-mail address; only its local part (before the last `@`) is compared.
    pub email: &'a str,
    /// The player's name; empty when there is none.
    pub name: &'a str,
}

/// What sign-in knows about the account once it looked up the username or e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInAttempt {
    /// The account exists and the password matches its hash (false for an unknown account).
    pub password_ok: bool,
    /// The account is not deactivated.
    pub is_active: bool,
    /// The e-mail address is verified.
    pub email_verified: bool,
}

/// A username has 3–150 characters, each an ASCII letter, digit or one of `@.+-_`
/// (`username_invalid`).
///
/// ASCII only, unlike Django's Unicode `\w`: usernames are unique case-insensitively, and
/// `SQLite` folds case for ASCII only, so a wider alphabet would make uniqueness differ between
/// the two backends (and invite look-alike names).
pub fn validate_username(username: &str) -> Result<(), DomainError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "@.+-_".contains(c);
    if (3..=150).contains(&username.chars().count()) && username.chars().all(allowed) {
        Ok(())
    } else {
        Err(DomainError::UsernameInvalid)
    }
}

/// A pragmatic e-mail check (`email_invalid`): `local@domain`, at most 254 octets; the local
/// part 1–64 octets of letters, digits and ``!#$%&'*+/=?^_`{|}~-``, with single dots not at
/// either end; the domain at least two dot-separated labels of 1–63 letters, digits or inner
/// hyphens, the last one not numeric. Quoted local parts and IP-literal domains are refused;
/// non-ASCII letters are accepted (internationalised addresses).
pub fn validate_email(email: &str) -> Result<(), DomainError> {
    let valid = email.len() <= 254
        && email
            .rsplit_once('@')
            .is_some_and(|(local, domain)| valid_local_part(local) && valid_domain(domain));
    if valid {
        Ok(())
    } else {
        Err(DomainError::EmailInvalid)
    }
}

/// Applies the password policy and returns every failure, in the order of DOMAIN.md §4.3:
/// `password_too_short`, `password_too_long`, `password_entirely_numeric`,
/// `password_too_common`, `password_too_similar`.
///
/// **Similarity.** Compared case-insensitively against the username, the e-mail's local part
/// and the name, each taken whole and split into its alphanumeric runs (`john.smith` gives
/// `john.smith`, `john`, `smith`); pieces shorter than 3 characters are ignored. The password
/// is too similar to a piece when one contains the other (the contained one having at least
/// 3 characters), or when their similarity 2·LCS / (|password| + |piece|) is at least 0.7,
/// LCS being the longest common subsequence — the measure of Django's
/// `UserAttributeSimilarityValidator` (0.7 is its default), made stricter by the containment
/// rule: `alice2024!` for user `alice` is refused although its ratio is only 0.67. The
/// quadratic ratio is skipped for passwords refused as too long, so oversized input costs
/// linear time.
pub fn validate_password(
    password: &str,
    personal: &PersonalInfo<'_>,
) -> Result<(), Vec<DomainError>> {
    let chars = password.chars().count();
    let mut errors = Vec::new();
    if chars < PASSWORD_MIN_CHARS {
        errors.push(DomainError::PasswordTooShort);
    }
    if chars > PASSWORD_MAX_CHARS {
        errors.push(DomainError::PasswordTooLong);
    }
    if chars > 0 && password.chars().all(char::is_numeric) {
        errors.push(DomainError::PasswordEntirelyNumeric);
    }
    if COMMON_PASSWORDS.contains(&password.trim().to_lowercase().as_str()) {
        errors.push(DomainError::PasswordTooCommon);
    }
    if too_similar(password, personal, chars <= PASSWORD_MAX_CHARS) {
        errors.push(DomainError::PasswordTooSimilar);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// When a verification token sent at `sent_at` stops being valid (the stored `expires_at`).
#[must_use]
pub fn verification_token_expires_at(sent_at: DateTime<Utc>) -> DateTime<Utc> {
    sent_at
        .checked_add_signed(VERIFICATION_TOKEN_LIFETIME)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A verification token is valid for 24 h after it was sent: until just before
/// `sent_at + 24 h`, expired from that instant on (`verification_token_expired`).
pub fn check_verification_token(
    sent_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if now < verification_token_expires_at(sent_at) {
        Ok(())
    } else {
        Err(DomainError::VerificationTokenExpired)
    }
}

/// Decides a sign-in (DOMAIN.md §4.3): a wrong username/e-mail or password is
/// `invalid_credentials`, whatever the account's state — nothing about an account is revealed
/// without its password. With the right password, a deactivated account is `account_inactive`
/// before an unverified one is `email_not_verified`: verifying would not let a deactivated
/// user in, so pointing them at their inbox would only mislead.
pub fn check_sign_in(attempt: SignInAttempt) -> Result<(), DomainError> {
    if !attempt.password_ok {
        Err(DomainError::InvalidCredentials)
    } else if !attempt.is_active {
        Err(DomainError::AccountInactive)
    } else if !attempt.email_verified {
        Err(DomainError::EmailNotVerified)
    } else {
        Ok(())
    }
}

/// Shortest attribute piece, and shortest contained string, the similarity check looks at.
const MIN_SIMILAR_CHARS: usize = 3;

fn valid_local_part(local: &str) -> bool {
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+/=?^_`{|}~-.".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    (1..=64).contains(&local.len())
        && local.chars().all(allowed)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_label = |label: &&str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    labels.len() >= 2
        && labels.iter().all(valid_label)
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

fn too_similar(password: &str, personal: &PersonalInfo<'_>, compare_ratio: bool) -> bool {
    let password = password.to_lowercase();
    let password_chars: Vec<char> = password.chars().collect();
    let local_part = personal
        .email
        .rsplit_once('@')
        .map_or(personal.email, |(local, _)| local);
    [personal.username, local_part, personal.name]
        .into_iter()
        .map(str::to_lowercase)
        .any(|value| {
            let parts = value.split(|c: char| !c.is_alphanumeric());
            std::iter::once(value.as_str())
                .chain(parts)
                .filter(|piece| piece.chars().count() >= MIN_SIMILAR_CHARS)
                .any(|piece| {
                    contains(&password, piece)
                        || contains(piece, &password)
                        || (compare_ratio && similar_ratio(&password_chars, piece))
                })
        })
}

/// `outer` contains `inner`, which is long enough to count.
fn contains(outer: &str, inner: &str) -> bool {
    inner.chars().count() >= MIN_SIMILAR_CHARS && outer.contains(inner)
}

/// 2·LCS(a, b) / (|a| + |b|) ≥ 0.7, in integers.
fn similar_ratio(a: &[char], b: &str) -> bool {
    let b: Vec<char> = b.chars().collect();
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    // LCS ≤ the shorter length, so the ratio cannot reach 0.7 when 13·short < 7·long; this
    // also bounds the quadratic work by the shorter string.
    13 * short >= 7 * long && 20 * longest_common_subsequence(a, &b) >= 7 * (a.len() + b.len())
}

fn longest_common_subsequence(a: &[char], b: &[char]) -> usize {
    let mut previous = vec![0; b.len() + 1];
    let mut current = vec![0; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            current[j + 1] = if x == y {
                previous[j] + 1
            } else {
                previous[j + 1].max(current[j])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOBODY: PersonalInfo<'static> = PersonalInfo {
        username: "tabletop",
        email: "rally@club.example",
        name: "",
    };

    fn codes(password: &str, personal: &PersonalInfo<'_>) -> Vec<&'static str> {
        validate_password(password, personal)
            .err()
            .unwrap_or_default()
            .iter()
            .map(DomainError::code)
            .collect()
    }

    #[test]
    fn usernames_have_three_to_150_allowed_characters() {
        for ok in ["abc", "Alice_99", "a.b+c-d@e", &"x".repeat(150), "___"] {
            assert_eq!(validate_username(ok), Ok(()), "{ok}");
        }
        for bad in [
            "ab",
            "",
            &"x".repeat(151),
            "al ice",
            "alice!",
            "jörg",
            "ali\u{0}ce",
        ] {
            assert_eq!(
                validate_username(bad),
                Err(DomainError::UsernameInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn email_addresses_need_a_local_part_and_a_dotted_domain() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'brien@example.ie",
            "x_y-z@my-club.example",
            "jörg@müller.de",
        ] {
            assert_eq!(validate_email(ok), Ok(()), "{ok}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_total = format!("{}@{}.com", "a".repeat(64), "b.".repeat(95));
        for bad in [
            "",
            "plain",
            "@example.com",
            "alice@",
            "alice@localhost",
            "alice@example.",
            "alice@.example.com",
            "alice@exa mple.com",
            "al ice@example.com",
            "alice@@example.com",
            "a@b@example.com",
            ".alice@example.com",
            "alice.@example.com",
            "al..ice@example.com",
            "alice@-example.com",
            "alice@example-.com",
            "alice@1.2.3.4",
            "alice@example..com",
            &long_local,
            &long_total,
        ] {
            assert_eq!(validate_email(bad), Err(DomainError::EmailInvalid), "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_to_128_characters() {
        assert_eq!(codes("Rkq7-vmz", &NOBODY), Vec::<&str>::new());
        assert_eq!(codes("Rkq7-vm", &NOBODY), ["password_too_short"]);
        assert_eq!(codes("", &NOBODY), ["password_too_short"]);
        let at_limit = "Rkq7-vmz".repeat(16);
        assert_eq!(at_limit.chars().count(), 128);
        assert_eq!(codes(&at_limit, &NOBODY), Vec::<&str>::new());
        assert_eq!(
            codes(&format!("{at_limit}x"), &NOBODY),
            ["password_too_long"]
        );
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert_eq!(codes("äöüßéèçñ", &NOBODY), Vec::<&str>::new());
        assert_eq!(codes("äöüßéèç", &NOBODY), ["password_too_short"]);
    }

    #[test]
    fn passwords_cannot_be_only_digits() {
        assert_eq!(codes("80432917", &NOBODY), ["password_entirely_numeric"]);
        assert_eq!(codes("8043291a", &NOBODY), Vec::<&str>::new());
        assert_eq!(
            codes("1234567", &NOBODY),
            [
                "password_too_short",
                "password_entirely_numeric",
                "password_too_common"
            ]
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(codes("password", &NOBODY), ["password_too_common"]);
        assert_eq!(codes("PassWord1", &NOBODY), ["password_too_common"]);
        assert_eq!(codes(" iloveyou ", &NOBODY), ["password_too_common"]);
        assert_eq!(
            codes("12345678", &NOBODY),
            ["password_entirely_numeric", "password_too_common"]
        );
    }

    #[test]
    fn the_common_list_is_lowercase_trimmed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in COMMON_PASSWORDS {
            assert_eq!(*p, p.trim().to_lowercase(), "{p}");
            assert!(seen.insert(p), "duplicate {p}");
        }
        assert!((100..=130).contains(&COMMON_PASSWORDS.len()));
    }

    #[test]
    fn passwords_like_the_username_email_or_name_are_refused() {
        let alice = PersonalInfo {
            username: "alice_w",
            email: "a.wonderland@mail.example",
            name: "Alice Wonderland",
        };
        let similar = [
            "alice_w2024",   // contains the username
            "ALICE-rocks-1", // contains a piece of it, any case
            "wonderland!!",  // the e-mail's local part and the name
            "alicewonder",   // contains "alice"
            "a.wonderlamd",  // LCS ratio 11·2 / 24 ≈ 0.92
        ];
        for password in similar {
            assert_eq!(
                codes(password, &alice),
                ["password_too_similar"],
                "{password}"
            );
        }
        for fine in ["Rkq7-vmz", "mail.example.org", "underwater-kiwi"] {
            assert_eq!(codes(fine, &alice), Vec::<&str>::new(), "{fine}");
        }
    }

    #[test]
    fn similarity_uses_the_ratio_when_nothing_is_contained() {
        let john = PersonalInfo {
            username: "johnsmith",
            email: "js@club.example",
            name: "",
        };
        // LCS "jonsmith" = 8: 16 / 19 ≈ 0.84.
        assert_eq!(codes("jonsmith99", &john), ["password_too_similar"]);
        // LCS "jhnsmth" = 7: 14 / 34 ≈ 0.41, and neither contains the other.
        assert_eq!(
            codes("j0hn-sm1th-plays-pingpong", &john),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn the_username_may_be_contained_in_the_password_but_not_the_other_way_round() {
        let long = PersonalInfo {
            username: "correcthorsebattery",
            email: "x@y.example",
            name: "",
        };
        assert_eq!(codes("horsebattery", &long), ["password_too_similar"]);
    }

    #[test]
    fn short_pieces_are_ignored() {
        let li = PersonalInfo {
            username: "li",
            email: "li@club.example",
            name: "Li",
        };
        assert_eq!(codes("limelight-42", &li), Vec::<&str>::new());
    }

    #[test]
    fn every_failure_is_reported_together() {
        let bob = PersonalInfo {
            username: "bob",
            email: "bob@club.example",
            name: "",
        };
        assert_eq!(
            codes("bob", &bob),
            ["password_too_short", "password_too_similar"]
        );
    }

    #[test]
    fn a_verification_token_is_valid_for_24_hours() {
        let sent = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let day = TimeDelta::hours(24);
        assert_eq!(verification_token_expires_at(sent), sent + day);
        assert_eq!(check_verification_token(sent, sent), Ok(()));
        assert_eq!(
            check_verification_token(sent, sent + day - TimeDelta::seconds(1)),
            Ok(())
        );
        assert_eq!(
            check_verification_token(sent, sent + day),
            Err(DomainError::VerificationTokenExpired)
        );
        assert_eq!(
            check_verification_token(sent, sent + TimeDelta::days(3)),
            Err(DomainError::VerificationTokenExpired)
        );
    }

    #[test]
    fn sign_in_refuses_in_the_documented_order() {
        let attempt = |password_ok, is_active, email_verified| {
            check_sign_in(SignInAttempt {
                password_ok,
                is_active,
                email_verified,
            })
            .map_err(|e| e.code())
        };
        assert_eq!(attempt(true, true, true), Ok(()));
        assert_eq!(attempt(false, true, true), Err("invalid_credentials"));
        assert_eq!(attempt(false, false, false), Err("invalid_credentials"));
        assert_eq!(attempt(true, true, false), Err("email_not_verified"));
        assert_eq!(attempt(true, false, true), Err("account_inactive"));
        assert_eq!(attempt(true, false, false), Err("account_inactive"));
    }
}
