using System.Globalization;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>
    /// The bounds every template is held to, so that a template file cannot make loading take unbounded time or
    /// memory (issue 7). Documented in docs/templates.md ("Limits"); tests use these constants. Each is far above
    /// real use: master-solution, the largest built-in template, is 15 KB (with its contracts) with 118 folders, 4 levels deep.
    /// </summary>
    public static class TemplateLimits
    {
        /// <summary>Largest template file, in bytes of UTF-8 (4 MiB). Files are read no further than that (TemplateTooLarge), whatever their length says.</summary>
        public const int MaxFileBytes = 4 * 1024 * 1024;

        /// <summary>
        /// Most YAML nodes that aliases (<c>*name</c>) may stand for in one file, counted while the file is read and
        /// before anything is expanded (TemplateAliasLimit). Enough to reuse a subtree up to the folder limit.
        /// </summary>
        public const int MaxAliasNodes = 1_000_000;

        /// <summary>Most folders in a template, solution and bucket-level folders together, optional ones included, in each file and in the resolved tree (TemplateFolderLimit).</summary>
        public const int MaxFolders = 50_000;

        /// <summary>Deepest folder nesting: a top folder is at depth 1 (TemplateDepthLimit).</summary>
        public const int MaxDepth = 32;

        /// <summary>
        /// Deepest YAML nesting of mappings and sequences, checked while reading (TemplateDepthLimit). A folder at
        /// <see cref="MaxDepth"/> is nested 2 * MaxDepth + 3 deep (inside add / folders lists); the rest is slack.
        /// </summary>
        public const int MaxYamlNesting = 2 * MaxDepth + 8;

        /// <summary>Most entries in one contract list of a folder (formats, producers, consumers, triggers, examples) (TemplateContractLimit).</summary>
        public const int MaxContractEntries = 100;

        /// <summary>Longest text of one contract entry (a producer, a consumer, an example file name) (TemplateContractLimit).</summary>
        public const int MaxContractText = 500;

        /// <summary>TemplateTooLarge, at the start of the file: nothing of it has been read as YAML.</summary>
        internal static TemplateException TooLarge(string file, long bytes) =>
            new TemplateException("TemplateTooLarge", ErrorKind.LimitsExceeded, file, 1, 1,
                $"the template has {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes; templates may have at most 4 MiB " +
                $"({MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes). Split the layout into several templates.");
    }
}
