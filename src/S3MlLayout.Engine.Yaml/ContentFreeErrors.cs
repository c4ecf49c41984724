using System;
using System.Linq;
using System.Text.RegularExpressions;
using S3MlLayout.Engine.Naming;
using YamlDotNet.RepresentationModel;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// Keeps errors about a file from quoting the file (issue 14: `template: /etc/shadow` printed its first line into
    /// the CI log as an unknown key). A file none of whose top-level keys is one the reader knows is reported as not
    /// the kind of file expected, with nothing of its text; an unknown key is named only when it looks like a key
    /// (a short identifier), and the YAML parser's messages lose what they quote.
    /// </summary>
    internal static class ContentFreeErrors
    {
        private static readonly Regex KeyLike = new Regex("^[A-Za-z_][A-Za-z0-9_-]{0,39}$", RegexOptions.CultureInvariant);
        private static readonly Regex Quoted = new Regex(@"'[^']*'|""[^""]*""", RegexOptions.CultureInvariant);

        /// <summary>Whether <paramref name="name"/> may be repeated in an error: an identifier of at most 40 characters.</summary>
        public static bool IsKeyLike(string name) => KeyLike.IsMatch(name);

        /// <summary>True when the mapping has no key of <paramref name="known"/>: then it is some other kind of file.</summary>
        public static bool HasNoKnownKey(YamlMappingNode map, string[] known) =>
            map.Children.Count > 0 && !map.Children.Keys.Any(k => k is YamlScalarNode s && known.Contains(s.Value));

        /// <summary>How an unknown key is named in a message: 'key' when key-like, otherwise by its position only.</summary>
        public static string DescribeKey(string name) => IsKeyLike(name) ? $"'{name}'" : "(not shown: it does not look like a key)";

        /// <summary>
        /// The message for a key not allowed at its place, in the words of both file readers: the key named only when
        /// key-like; when it is a key of the mapping one level up, that it is likely indented one level too deep;
        /// otherwise the allowed key closest in spelling (case or a few edits: solution, solutions).
        /// </summary>
        /// <param name="where">"the tenant file", "environment 'prod'", "a folder" ...</param>
        /// <param name="outerKeys">the keys of the enclosing mapping, with <paramref name="outer"/> naming it; null at the top.</param>
        public static string UnknownKey(string name, string[] allowed, string where, string[]? outerKeys = null, string? outer = null)
        {
            string hint = "";
            if (IsKeyLike(name))
            {
                if (outerKeys != null && outerKeys.Contains(name, StringComparer.Ordinal))
                    hint = $" ('{name}' is a key of {outer}: is it indented too deep?)";
                else if (Spelling.ClosestKey(name, allowed) is string close)
                    hint = $" (did you mean '{close}'?)";
            }
            return $"unknown key {DescribeKey(name)} in {where}{hint}; allowed keys: {string.Join(", ", allowed)}.";
        }

        /// <summary>
        /// Where a tab indents a line, for YamlDotNet's tab errors, which it may place at 1:1 (issue 16): the first line
        /// up to <paramref name="lastLine"/> whose indentation holds a tab, and the tab's column. Only the position is
        /// reported, never the line.
        /// </summary>
        public static (int Line, int Column)? TabIndentation(string yaml, int lastLine)
        {
            int line = 1;
            for (int start = 0; start < yaml.Length && (lastLine <= 0 || line <= lastLine); line++)
            {
                int end = yaml.IndexOf('\n', start);
                if (end < 0) end = yaml.Length;
                for (int i = start; i < end && (yaml[i] == ' ' || yaml[i] == '\t'); i++)
                    if (yaml[i] == '\t') return (line, i - start + 1);
                start = end + 1;
            }
            return null;
        }

        /// <summary>Whether a parser message is about a tab (YamlDotNet: "found invalid tab as indentation", "found a tab character ...").</summary>
        public static bool IsAboutTabs(string message) => TabWord.IsMatch(message);

        private static readonly Regex TabWord = new Regex(@"\btabs?\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>A parser message on one line, without the text it quotes (a quoted key-like word or single character stays: '-' indicator).</summary>
        public static string Clean(string message) =>
            Quoted.Replace(message.Replace("\r", " ").Replace("\n", " "), m => m.Value.Length <= 3 || IsKeyLike(m.Value.Substring(1, m.Value.Length - 2)) ? m.Value : "(text not shown)").Trim();
    }
}
