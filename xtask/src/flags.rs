//! The flags of the xtask commands, one shape for all: `--name value` or `--name=value`.

/// Walks a command's arguments flag by flag; the current flag's value is read on demand.
pub(crate) struct Flags<'a> {
    rest: std::slice::Iter<'a, &'a str>,
    usage: &'static str,
    /// The flag being read (`--seed` of `--seed=3` too).
    flag: &'a str,
    /// What followed `=` in the flag, if it was written so.
    inline: Option<&'a str>,
}

impl<'a> Flags<'a> {
    /// The flags of `args`; errors end with `usage`.
    pub(crate) fn new(args: &'a [&'a str], usage: &'static str) -> Self {
        Flags {
            rest: args.iter(),
            usage,
            flag: "",
            inline: None,
        }
    }

    /// The next flag's name, or `None` after the last.
    #[allow(clippy::should_implement_trait)] // not an Iterator: `value` reads on between flags
    pub(crate) fn next(&mut self) -> Option<&'a str> {
        let arg = *self.rest.next()?;
        (self.flag, self.inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (arg, None),
        };
        Some(self.flag)
    }

    /// The current flag's value: what followed `=`, else the next argument.
    pub(crate) fn value(&mut self) -> Result<&'a str, String> {
        self.inline
            .take()
            .or_else(|| self.rest.next().copied())
            .ok_or_else(|| format!("{} needs a value\n\n{}", self.flag, self.usage))
    }

    /// The current flag's value as a whole number.
    pub(crate) fn number(&mut self) -> Result<u64, String> {
        let text = self.value()?;
        text.parse::<u64>().map_err(|_| {
            format!(
                "{} takes a number, not `{text}`\n\n{}",
                self.flag, self.usage
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Flags;

    #[test]
    fn values_follow_the_flag_or_its_equals_sign() {
        let args = ["--seed=3", "--sample", "40", "--quick", "--spec"];
        let mut flags = Flags::new(&args, "usage");
        assert_eq!(flags.next(), Some("--seed"));
        assert_eq!(flags.number(), Ok(3));
        assert_eq!(flags.next(), Some("--sample"));
        assert_eq!(flags.value(), Ok("40"));
        assert_eq!(flags.next(), Some("--quick"));
        assert_eq!(flags.next(), Some("--spec"));
        assert_eq!(
            flags.value(),
            Err("--spec needs a value\n\nusage".to_owned())
        );
        assert_eq!(flags.next(), None);
        let args = ["--seed", "x"];
        let mut flags = Flags::new(&args, "usage");
        flags.next();
        assert_eq!(
            flags.number(),
            Err("--seed takes a number, not `x`\n\nusage".to_owned())
        );
    }
}
