//! Paths into a resource, written the way Kubernetes error messages write
//! them: `spec.containers[0].securityContext.privileged`.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// `"spec.template.spec"` → path (keys only; for fixed paths in code).
    pub fn parse(dotted: &str) -> Path {
        Path(
            dotted
                .split('.')
                .filter(|s| !s.is_empty())
                .map(|s| Seg::Key(s.to_string()))
                .collect(),
        )
    }

    pub fn key(&self, key: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }

    /// `a.b` + `c.d` → `a.b.c.d`.
    pub fn join(&self, other: &Path) -> Path {
        let mut p = self.clone();
        p.0.extend(other.0.iter().cloned());
        p
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_kubernetes() {
        let p = Path::parse("spec")
            .key("containers")
            .index(0)
            .key("securityContext");
        assert_eq!(p.to_string(), "spec.containers[0].securityContext");
    }
}
