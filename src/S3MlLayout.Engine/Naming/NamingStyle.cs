using System.Text;
using System.Text.RegularExpressions;

namespace S3MlLayout.Engine.Naming
{
    /// <summary>Folder naming styles: underscores for code folders, hyphens for the rest (seed 000).</summary>
    public enum NamingStyle
    {
        /// <summary>Lowercase words joined by underscores (code folders): feature_engineering, model_v1.0.0.</summary>
        SnakeCase,
        /// <summary>Lowercase words joined by hyphens (everything else): service-catalog, customer-churn.</summary>
        KebabCase,
        /// <summary>No style; only the S3 key rules apply.</summary>
        Any,
    }

    public static class NamingStyles
    {
        // Dots are allowed between words in both styles so version folders such as model_v1.0.0 stay valid.
        private static readonly Regex Snake = new Regex("^[a-z0-9]+(?:[_.][a-z0-9]+)*$", RegexOptions.CultureInvariant);
        private static readonly Regex Kebab = new Regex("^[a-z0-9]+(?:[-.][a-z0-9]+)*$", RegexOptions.CultureInvariant);

        public static string ToYaml(NamingStyle style) => style switch
        {
            NamingStyle.SnakeCase => "snake_case",
            NamingStyle.KebabCase => "kebab-case",
            _ => "any",
        };

        public static bool TryParse(string text, out NamingStyle style)
        {
            switch (text)
            {
                case "snake_case": style = NamingStyle.SnakeCase; return true;
                case "kebab-case": style = NamingStyle.KebabCase; return true;
                case "any": style = NamingStyle.Any; return true;
                default: style = NamingStyle.Any; return false;
            }
        }

        public static bool Matches(string name, NamingStyle style) => style switch
        {
            NamingStyle.SnakeCase => Snake.IsMatch(name),
            NamingStyle.KebabCase => Kebab.IsMatch(name),
            _ => true,
        };

        /// <summary>The name rewritten in the style: lowercase, separators unified, other characters dropped.</summary>
        public static string Correct(string name, NamingStyle style)
        {
            if (style == NamingStyle.Any) return name;
            char separator = style == NamingStyle.SnakeCase ? '_' : '-';
            var builder = new StringBuilder(name.Length);
            char previous = '\0';
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool wordBoundary = char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]); // camelCase -> camel_case
                if (char.IsLetterOrDigit(c) && c < 128)
                {
                    if (wordBoundary && previous != separator && builder.Length > 0) builder.Append(separator);
                    builder.Append(char.ToLowerInvariant(c));
                }
                else if (c == '.' && builder.Length > 0 && previous != separator && previous != '.')
                {
                    builder.Append('.');
                }
                else if (builder.Length > 0 && previous != separator && previous != '.')
                {
                    builder.Append(separator);
                }
                previous = builder.Length > 0 ? builder[builder.Length - 1] : '\0';
            }
            return builder.ToString().Trim(separator, '.');
        }

        public static string Describe(NamingStyle style) => style switch
        {
            NamingStyle.SnakeCase => "snake_case (lowercase letters and digits joined by underscores)",
            NamingStyle.KebabCase => "kebab-case (lowercase letters and digits joined by hyphens)",
            _ => "any",
        };
    }
}
