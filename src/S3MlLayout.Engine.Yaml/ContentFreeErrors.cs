using System.Linq;
using System.Text.RegularExpressions;
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

        /// <summary>A parser message on one line, without the text it quotes (a quoted key-like word or single character stays: '-' indicator).</summary>
        public static string Clean(string message) =>
            Quoted.Replace(message.Replace("\r", " ").Replace("\n", " "), m => m.Value.Length <= 3 || IsKeyLike(m.Value.Substring(1, m.Value.Length - 2)) ? m.Value : "(text not shown)").Trim();
    }
}
