//! The place of a union in the tree as a materialised path of ids: "/1/" is the federation,
//! "/1/4/17/" a grassroots union under town union 4. A subtree is every path that starts with
//! its root's path, which a B-tree answers as a range: `path >= '/1/4/' AND path < '/1/40'`
//! ('0' is the character after '/'), so subtree queries use an index on both engines.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: i64) -> Self {
        Self(format!("/{id}/"))
    }

    /// A path as stored; `None` when it is not of the "/n/n/" shape.
    pub fn parse(s: &str) -> Option<Self> {
        let inner = s.strip_prefix('/')?.strip_suffix('/')?;
        let ok = !inner.is_empty() && inner.split('/').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| Self(s.to_string()))
    }

    pub fn child(&self, id: i64) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Exclusive upper bound of the subtree range.
    pub fn upper_bound(&self) -> String {
        let mut s = self.0.clone();
        s.pop();
        s.push('0');
        s
    }

    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    pub fn depth(&self) -> usize {
        self.0.matches('/').count() - 1
    }

    /// The path of `id` when it is this node or one above it.
    pub fn ancestor(&self, id: i64) -> Option<OrgPath> {
        let segment = format!("/{id}/");
        self.0.find(&segment).map(|at| Self(self.0[..at + segment.len()].to_string()))
    }

    /// Ids from the root down to this node.
    pub fn ids(&self) -> Vec<i64> {
        self.0.split('/').filter_map(|p| p.parse().ok()).collect()
    }

    /// The path of the same node after its subtree moved from `old_root` to `new_root`.
    pub fn rebase(&self, old_root: &OrgPath, new_root: &OrgPath) -> Option<OrgPath> {
        self.0.strip_prefix(&old_root.0).map(|rest| Self(format!("{}{rest}", new_root.0)))
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range() {
        let town = OrgPath::root(1).child(4);
        assert_eq!(town.as_str(), "/1/4/");
        assert_eq!(town.upper_bound(), "/1/40");
        let union = town.child(17);
        assert!(town.contains(&union));
        assert!(union.as_str() >= town.as_str() && union.as_str() < town.upper_bound().as_str());
        let sibling = OrgPath::root(1).child(45);
        assert!(!town.contains(&sibling));
        assert!(!(sibling.as_str() >= town.as_str() && sibling.as_str() < town.upper_bound().as_str()));
        assert_eq!(union.depth(), 3);
        assert_eq!(union.ids(), vec![1, 4, 17]);
        assert_eq!(union.ancestor(4), Some(town.clone()));
        assert_eq!(union.ancestor(17), Some(union.clone()));
        assert_eq!(union.ancestor(7), None);
        assert_eq!(OrgPath::root(14).child(1).ancestor(1).map(|p| p.to_string()), Some("/14/1/".into()));
    }

    #[test]
    fn rebase_and_parse() {
        let a = OrgPath::parse("/1/4/17/").unwrap();
        let moved = a.rebase(&OrgPath::parse("/1/4/").unwrap(), &OrgPath::parse("/1/9/").unwrap());
        assert_eq!(moved.unwrap().as_str(), "/1/9/17/");
        assert!(OrgPath::parse("/1//").is_none());
        assert!(OrgPath::parse("1/").is_none());
    }
}
