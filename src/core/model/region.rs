//! GB/T 2260 regions: province → city → county, derived from the six-digit codes.

use crate::core::Message;
use serde::Deserialize;

use crate::core::formats::codec::{DecodeError, Json, SerdeJson};
use crate::core::Lang;

#[derive(Clone, Debug, PartialEq)]
pub struct RegionTable {
    /// Sorted by code.
    entries: Vec<(String, String)>,
    /// For a split table (provinces and cities first, each province's counties from its own
    /// file, so a phone downloads only what it shows): the provinces whose counties are in.
    /// `None` for a whole table.
    counties_of: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawRegions {
    format: String,
    /// `true` in the index of a split table: counties come per province.
    #[serde(default)]
    split: bool,
    regions: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RegionError {
    Json(DecodeError),
    WrongFormat,
    BadCode(String),
}

impl Message for RegionError {
    fn message(&self, lang: Lang) -> String {
        let why = match (self, lang) {
            (RegionError::Json(e), _) => e.message(lang),
            (RegionError::WrongFormat, Lang::Zh) => "format 应为 kepu-regions".into(),
            (RegionError::WrongFormat, Lang::En) => "format must be kepu-regions".into(),
            (RegionError::BadCode(c), Lang::Zh) => format!("地区代码“{c}”不是 6 位数字"),
            (RegionError::BadCode(c), Lang::En) => format!("region code \"{c}\" is not six digits"),
        };
        match lang {
            Lang::Zh => format!("地区数据无法读取：{why}"),
            Lang::En => format!("region data unreadable: {why}"),
        }
    }
}

/// 1 = province (`xx0000`), 2 = city (`xxxx00`), 3 = county.
pub fn level(code: &str) -> u8 {
    if code.ends_with("0000") {
        1
    } else if code.ends_with("00") {
        2
    } else {
        3
    }
}

/// The code of the region that contains `code` at `depth` (1 = province, 2 = city).
pub fn ancestor(code: &str, depth: u8) -> Option<String> {
    if code.len() != 6 || depth == 0 || depth > level(code) {
        return None;
    }
    Some(match depth {
        1 => format!("{}0000", &code[..2]),
        2 => format!("{}00", &code[..4]),
        _ => code.to_string(),
    })
}

impl RegionTable {
    pub fn from_json(text: &str) -> Result<RegionTable, RegionError> {
        RegionTable::read::<SerdeJson>(text)
    }

    /// [`RegionTable::from_json`] with the given JSON codec.
    pub fn read<J: Json>(text: &str) -> Result<RegionTable, RegionError> {
        let raw: RawRegions = J::decode(text).map_err(RegionError::Json)?;
        if raw.format != "kepu-regions" {
            return Err(RegionError::WrongFormat);
        }
        let mut entries = raw.regions;
        if let Some((c, _)) = entries.iter().find(|(c, _)| c.len() != 6 || !c.bytes().all(|b| b.is_ascii_digit())) {
            return Err(RegionError::BadCode(c.clone()));
        }
        crate::core::model::sort::sort_by(&mut entries, |a, b| a.cmp(b));
        Ok(RegionTable { entries, counties_of: raw.split.then(Vec::new) })
    }

    /// The file with the counties of the province `code` lies in, when a split table does
    /// not have them yet (`questions/regions/44.json` for Guangdong).
    pub fn missing_counties(&self, code: &str) -> Option<String> {
        let province = code.get(..2)?;
        let loaded = self.counties_of.as_ref()?;
        (!loaded.iter().any(|p| p == province)).then(|| format!("{province}.json"))
    }

    /// Adds the counties of one province (a file named by [`Self::missing_counties`]).
    /// Only that province's counties are taken.
    pub fn add_counties(&mut self, file: &RegionTable, province: &str) {
        let Some(loaded) = self.counties_of.as_mut() else { return };
        if loaded.iter().any(|p| p == province) {
            return;
        }
        loaded.push(province.to_string());
        self.entries.extend(file.entries.iter().filter(|(c, _)| c.starts_with(province) && level(c) == 3).cloned());
        crate::core::model::sort::sort_by(&mut self.entries, |a, b| a.cmp(b));
        self.entries.dedup_by(|a, b| a.0 == b.0);
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.entries.binary_search_by(|(c, _)| c.as_str().cmp(code)).ok().map(|i| self.entries[i].1.as_str())
    }

    /// Direct children of `parent`, or the provinces for `None`.
    pub fn children(&self, parent: Option<&str>) -> Vec<(&str, &str)> {
        let (prefix, want) = match parent {
            None => ("", 1),
            Some(p) if level(p) == 1 => (&p[..2], 2),
            Some(p) if level(p) == 2 => (&p[..4], 3),
            Some(_) => return Vec::new(),
        };
        let start = self.entries.partition_point(|(c, _)| c.as_str() < prefix);
        self.entries[start..]
            .iter()
            .take_while(|(c, _)| c.starts_with(prefix))
            .filter(|(c, _)| level(c) == want)
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect()
    }

    /// A chosen code is complete when it is at `depth`, or shallower with nothing below it
    /// (which a split table only knows once the province's counties are in).
    pub fn is_complete(&self, code: &str, depth: u8) -> bool {
        self.name(code).is_some()
            && (level(code) >= depth || (self.missing_counties(code).is_none() && self.children(Some(code)).is_empty()))
    }

    /// Whether `code` lies inside `scope` (a province or city code); no scope = anywhere.
    pub fn within(&self, code: &str, scope: Option<&str>) -> bool {
        match scope {
            None => true,
            Some(s) if level(s) == 1 => code.get(..2) == s.get(..2),
            Some(s) => code.get(..4) == s.get(..4),
        }
    }

    /// `广东省 广州市 天河区` (a municipality's 市辖区 is left out).
    pub fn full_name(&self, code: &str) -> String {
        (1..=level(code))
            .filter_map(|d| ancestor(code, d))
            .filter_map(|c| self.name(&c))
            .filter(|n| *n != "市辖区" && *n != "县")
            .collect::<Vec<_>>()
            .join(" ")
    }
}

crate::core::english_display!(RegionError);

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RegionTable {
        RegionTable::from_json(r#"{"format":"kepu-regions","version":1,"regions":[["110101","东城区"],["110000","北京市"],["110100","市辖区"],["440000","广东省"],["440100","广州市"],["440106","天河区"],["440103","荔湾区"],["441900","东莞市"]]}"#).unwrap()
    }

    #[test]
    fn hierarchy_from_codes() {
        let t = table();
        assert_eq!(t.children(None), vec![("110000", "北京市"), ("440000", "广东省")]);
        assert_eq!(t.children(Some("440000")), vec![("440100", "广州市"), ("441900", "东莞市")]);
        assert_eq!(t.children(Some("440100")), vec![("440103", "荔湾区"), ("440106", "天河区")]);
        assert!(t.children(Some("440106")).is_empty());
        assert_eq!(t.full_name("440106"), "广东省 广州市 天河区");
        assert_eq!(t.full_name("110101"), "北京市 东城区");
        assert_eq!(ancestor("440106", 2).as_deref(), Some("440100"));
        assert_eq!(ancestor("440000", 2), None);
    }

    #[test]
    fn completeness_and_scope() {
        let t = table();
        assert!(t.is_complete("440106", 3));
        assert!(!t.is_complete("440100", 3));
        assert!(t.is_complete("441900", 3), "no counties below");
        assert!(t.is_complete("440100", 2));
        assert!(!t.is_complete("449999", 3), "unknown code");
        assert!(t.within("440106", Some("440000")) && t.within("440106", Some("440100")));
        assert!(!t.within("110101", Some("440000")));
    }

    #[test]
    fn a_split_table_takes_each_provinces_counties_from_its_own_file() {
        let mut t = RegionTable::from_json(r#"{"format":"kepu-regions","version":1,"split":true,"regions":[["440000","广东省"],["440100","广州市"],["441900","东莞市"],["110000","北京市"],["110100","市辖区"]]}"#).unwrap();
        assert_eq!(t.missing_counties("440106").as_deref(), Some("44.json"));
        assert!(t.children(Some("440100")).is_empty());
        assert!(!t.is_complete("441900", 3), "not known to have no counties until the file is in");
        assert!(t.is_complete("440100", 2));
        let file = table(); // also holds Beijing's county and the provinces: only Guangdong's counties are taken
        t.add_counties(&file, "44");
        assert_eq!(t.missing_counties("440106"), None);
        assert_eq!(t.missing_counties("110101").as_deref(), Some("11.json"));
        assert_eq!(t.children(Some("440100")), vec![("440103", "荔湾区"), ("440106", "天河区")]);
        assert!(t.children(Some("110100")).is_empty());
        assert!(t.is_complete("441900", 3) && t.is_complete("440106", 3));
        assert_eq!(t.full_name("440106"), "广东省 广州市 天河区");
        t.add_counties(&file, "44");
        assert_eq!(t.children(Some("440100")).len(), 2, "adding twice changes nothing");
        assert_eq!(table().missing_counties("440106"), None, "a whole table misses nothing");
    }

    #[test]
    fn bad_region_files() {
        assert!(RegionTable::from_json("[]").is_err());
        assert!(RegionTable::from_json(r#"{"format":"x","regions":[]}"#).is_err());
        assert!(RegionTable::from_json(r#"{"format":"kepu-regions","regions":[["12","x"]]}"#).is_err());
    }
}
