//! Dates that may be partial (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), as bibliographic records have.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date known to year, month or day precision.
///
/// Invariant: `month` is `Some` whenever `day` is, and the date exists in the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month (1–12), when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1000–2999), checking the calendar.
    pub fn parse(s: &str) -> Result<Self, String> {
        let expected = "expected YYYY, YYYY-MM or YYYY-MM-DD";
        let mut it = s.split('-');
        let year_s = it.next().unwrap_or_default();
        let month_s = it.next();
        let day_s = it.next();
        if it.next().is_some() {
            return Err(format!("`{s}` is not a date: {expected}"));
        }
        let num = |part: &str, len: usize, what: &str| -> Result<u32, String> {
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "`{s}` is not a date: {what} must have {len} digits ({expected})"
                ));
            }
            part.parse::<u32>().map_err(|e| e.to_string())
        };
        let year = num(year_s, 4, "the year")?;
        if !(1000..=2999).contains(&year) {
            return Err(format!("`{s}`: year {year} is out of range 1000–2999"));
        }
        let month = month_s.map(|m| num(m, 2, "the month")).transpose()?;
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(format!("`{s}`: month {m:02} does not exist"));
            }
        }
        let day = day_s.map(|d| num(d, 2, "the day")).transpose()?;
        if let (Some(d), Some(m)) = (day, month) {
            let max = days_in_month(year as i32, m as u8);
            if d == 0 || d > u32::from(max) {
                return Err(format!("`{s}`: day {d:02} does not exist in {year}-{m:02}"));
            }
        }
        Ok(Self {
            year: year as i32,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// First day of the period (`2020` → 2020-01-01).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Last day of the period (`2020-02` → 2020-02-29).
    pub fn last_day(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        (self.year, month, day)
    }

    /// Days since 1970-01-01 of a calendar date (proleptic Gregorian).
    pub fn days_from_civil((y, m, d): (i32, u8, u8)) -> i64 {
        let y = i64::from(y) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for PartialDate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// In OpenAPI: a string `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^\d{4}(-\d{2}(-\d{2})?)?$"))
            .description(Some(
                "A date to year, month or day precision: YYYY, YYYY-MM or YYYY-MM-DD",
            ))
            .examples([serde_json::json!("2024-03-01")])
            .into()
    }
}

impl utoipa::ToSchema for PartialDate {}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_precisions() {
        assert_eq!(PartialDate::parse("2020").unwrap().to_string(), "2020");
        assert_eq!(
            PartialDate::parse("2020-02").unwrap().last_day(),
            (2020, 2, 29)
        );
        assert_eq!(
            PartialDate::parse("2021-02").unwrap().last_day(),
            (2021, 2, 28)
        );
        assert_eq!(
            PartialDate::parse("2019-12-31").unwrap().first_day(),
            (2019, 12, 31)
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2020-13",
            "2021-02-29",
            "20-01-01",
            "2020/01/01",
            "2020-1-1",
            "0999",
            "abcd",
            "",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(PartialDate::parse("2021-02-29")
            .unwrap_err()
            .contains("does not exist"));
    }

    #[test]
    fn civil_days() {
        assert_eq!(PartialDate::days_from_civil((1970, 1, 1)), 0);
        assert_eq!(PartialDate::days_from_civil((2000, 3, 1)), 11_017);
    }
}
