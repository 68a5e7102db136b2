//! The list envelope `{items, page, per_page, total}` and its query string (STYLE.md §9).

use serde::{Deserialize, Serialize};
use ttstats_domain::DomainError;
use ttstats_domain::player_stats::PageRequest;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page; empty past the end.
    pub items: Vec<T>,
    /// The 1-based page number returned.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
    /// Items in the whole list.
    pub total: u32,
}

impl<T> Page<T> {
    /// A page of `items` answering `request`.
    #[must_use]
    pub fn new(items: Vec<T>, request: PageRequest, total: u32) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.per_page,
            total,
        }
    }

    /// The same page with every item converted.
    #[must_use]
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }

    /// Number of pages (0 for an empty list).
    #[must_use]
    pub fn page_count(&self) -> u32 {
        if self.per_page == 0 {
            0
        } else {
            self.total.div_ceil(self.per_page)
        }
    }
}

/// `?page=&per_page=` (page ≥ 1, default 1; per_page 1–100, default 20). Kept as text so a bad
/// value is refused by the domain as `invalid_query_parameter` naming the parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// 1-based page number (default 1).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, example = 1))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, example = 1))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Items per page, 1–100 (default 20).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, example = 20))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, example = 20))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
}

impl PageQuery {
    /// Validates the values (`invalid_query_parameter`).
    pub fn to_request(&self) -> Result<PageRequest, DomainError> {
        page_request(self.page.as_deref(), self.per_page.as_deref())
    }
}

/// Validates raw `page`/`per_page` values of any list query.
pub fn page_request(
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<PageRequest, DomainError> {
    PageRequest::from_query(page, per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_serializes_as_the_list_envelope() {
        let page = Page::new(
            vec![1, 2],
            PageRequest {
                page: 2,
                per_page: 2,
            },
            5,
        );
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::json!({"items": [1, 2], "page": 2, "per_page": 2, "total": 5})
        );
        assert_eq!(page.page_count(), 3);
        assert_eq!(page.map(|n| n * 10).items, vec![10, 20]);
    }

    #[test]
    fn the_page_query_defaults_and_refuses_out_of_range_values() {
        assert_eq!(
            PageQuery::default().to_request(),
            Ok(PageRequest {
                page: 1,
                per_page: 20
            })
        );
        let q = |page: &str, per_page: &str| PageQuery {
            page: Some(page.into()),
            per_page: Some(per_page.into()),
        };
        assert_eq!(
            q("3", "100").to_request(),
            Ok(PageRequest {
                page: 3,
                per_page: 100
            })
        );
        assert_eq!(
            q("1", "101").to_request(),
            Err(DomainError::InvalidQueryParameter {
                parameter: "per_page"
            })
        );
        assert_eq!(
            q("0", "5").to_request(),
            Err(DomainError::InvalidQueryParameter { parameter: "page" })
        );
        assert_eq!(
            q("x", "5").to_request(),
            Err(DomainError::InvalidQueryParameter { parameter: "page" })
        );
    }

    #[test]
    fn the_page_query_deserializes_from_a_query_string_shape() {
        let q: PageQuery = serde_json::from_str(r#"{"per_page":"50"}"#).unwrap();
        assert_eq!(q.page, None);
        assert_eq!(q.to_request().unwrap().per_page, 50);
    }
}
