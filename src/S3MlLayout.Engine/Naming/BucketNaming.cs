using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Naming
{
    /// <summary>The parts of a generated bucket name: {company_prefix}-{environment}-{tenant_id}-{region}.</summary>
    public sealed class BucketNameParts
    {
        public string CompanyPrefix { get; set; } = "";
        public string Environment { get; set; } = "";
        public string TenantId { get; set; } = "";
        public string Region { get; set; } = "";
    }

    /// <summary>A bucket name that passed every rule, with the advice that did not stop it.</summary>
    public sealed class BucketNameResult
    {
        public BucketNameResult(string name, IReadOnlyList<string> warnings) { Name = name; Warnings = warnings; }
        public string Name { get; }
        public IReadOnlyList<string> Warnings { get; }
    }

    public sealed class BucketNamingOptions
    {
        public static readonly IReadOnlyList<string> DefaultEnvironments = new[] { "dev", "staging", "prod" };

        /// <summary>The environments a name may use; configurable, dev/staging/prod by default.</summary>
        public IReadOnlyList<string> AllowedEnvironments { get; set; } = DefaultEnvironments;

        /// <summary>Accept a region the SDK does not know (S3-compatible stores have their own).</summary>
        public bool CustomRegion { get; set; }

        /// <summary>Characters of random suffix appended against bucket-name squatting (0 = none).</summary>
        public int RandomSuffixLength { get; set; }
    }

    /// <summary>Builds and validates bucket names against every S3 general-purpose bucket naming rule.</summary>
    public static class BucketNaming
    {
        public const int MinLength = 3;
        public const int MaxLength = 63;
        private static readonly string[] ReservedPrefixes = { "xn--", "sthree-", "amzn-s3-demo-" };
        private static readonly string[] ReservedSuffixes = { "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3" };

        public static BucketNameResult Build(BucketNameParts parts, BucketNamingOptions? options = null)
        {
            options ??= new BucketNamingOptions();
            CheckPart("CompanyPrefix", parts.CompanyPrefix);
            CheckEnvironment(parts.Environment, options.AllowedEnvironments);
            CheckPart("TenantId", parts.TenantId);
            CheckRegion(parts.Region, options.CustomRegion);

            string name = $"{parts.CompanyPrefix}-{parts.Environment}-{parts.TenantId}-{parts.Region}";
            string suffix = options.RandomSuffixLength > 0 ? "-" + RandomSuffix(options.RandomSuffixLength) : "";
            int length = name.Length + suffix.Length;
            if (length > MaxLength)
            {
                int over = length - MaxLength;
                throw new MlLayoutException("BucketNameTooLong", ErrorKind.InvalidArgument, name + suffix,
                    $"The bucket name '{name + suffix}' is {length} characters, {over} over S3's {MaxLength}-character limit. " +
                    $"CompanyPrefix is {parts.CompanyPrefix.Length}, Environment {parts.Environment.Length}, TenantId {parts.TenantId.Length}, " +
                    $"Region {parts.Region.Length}{(suffix.Length > 0 ? $", suffix {suffix.Length}" : "")} characters: shorten CompanyPrefix or TenantId by {over}, or pass -Override.");
            }
            return Validate(name + suffix);
        }

        /// <summary>
        /// Checks the parts given beside an override (empty ones are "not given"): they are recorded with the bucket
        /// (tags, declaration), so each meets the rules it would meet in a built name.
        /// </summary>
        public static void CheckGivenParts(BucketNameParts parts, BucketNamingOptions? options = null)
        {
            options ??= new BucketNamingOptions();
            if (!string.IsNullOrEmpty(parts.CompanyPrefix)) CheckPart("CompanyPrefix", parts.CompanyPrefix);
            if (!string.IsNullOrEmpty(parts.Environment)) CheckEnvironment(parts.Environment, options.AllowedEnvironments);
            if (!string.IsNullOrEmpty(parts.TenantId)) CheckPart("TenantId", parts.TenantId);
            if (!string.IsNullOrEmpty(parts.Region)) CheckRegion(parts.Region, options.CustomRegion);
        }

        /// <summary>Checks a complete name (an override, or a generated one) against every S3 rule.</summary>
        public static BucketNameResult Validate(string name)
        {
            string target = name;
            if (name.Length < MinLength)
                throw Invalid("BucketNameTooShort", target, $"The bucket name '{name}' is {name.Length} characters; S3 needs at least {MinLength}.");
            if (name.Length > MaxLength)
                throw Invalid("BucketNameTooLong", target, $"The bucket name '{name}' is {name.Length} characters, {name.Length - MaxLength} over S3's {MaxLength}-character limit; shorten it.");
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
                if (!allowed)
                {
                    string hint = char.IsUpper(c) ? $" use '{char.ToLowerInvariant(c)}' instead (bucket names are lowercase)." :
                        c == '_' ? " use '-' instead." : " use only lowercase letters, digits, '-' and '.'.";
                    throw Invalid("BucketNameInvalidCharacter", target, $"The bucket name '{name}' contains '{c}' at position {i + 1}, which S3 does not allow in bucket names;" + hint);
                }
            }
            if (!IsLetterOrDigit(name[0]))
                throw Invalid("BucketNameInvalidStart", target, $"The bucket name '{name}' starts with '{name[0]}'; it must start with a lowercase letter or a digit.");
            if (!IsLetterOrDigit(name[name.Length - 1]))
                throw Invalid("BucketNameInvalidEnd", target, $"The bucket name '{name}' ends with '{name[name.Length - 1]}'; it must end with a lowercase letter or a digit.");
            if (name.Contains(".."))
                throw Invalid("BucketNameAdjacentPeriods", target, $"The bucket name '{name}' contains '..'; S3 does not allow two adjacent periods.");
            if (name.Contains(".-") || name.Contains("-."))
                throw Invalid("BucketNamePeriodNextToHyphen", target, $"The bucket name '{name}' has a period next to a hyphen, which is not a valid DNS label; remove one of them.");
            if (IPAddress.TryParse(name, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && name.Count(c => c == '.') == 3)
                throw Invalid("BucketNameIpAddress", target, $"The bucket name '{name}' is formatted as an IP address, which S3 does not allow.");
            foreach (var prefix in ReservedPrefixes)
                if (name.StartsWith(prefix, StringComparison.Ordinal))
                    throw Invalid("BucketNameReservedPrefix", target, $"The bucket name '{name}' starts with '{prefix}', a prefix S3 reserves; choose another start.");
            foreach (var suffix in ReservedSuffixes)
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                    throw Invalid("BucketNameReservedSuffix", target, $"The bucket name '{name}' ends with '{suffix}', a suffix S3 reserves; choose another end.");

            var warnings = new List<string>();
            if (name.Contains('.'))
                warnings.Add($"The bucket name '{name}' contains '.': virtual-hosted HTTPS certificates and Transfer Acceleration do not work with dots; prefer hyphens.");
            return new BucketNameResult(name, warnings);
        }

        /// <summary>Whether the SDK knows the region code (us-west-2, eu-central-1 ...).</summary>
        public static bool IsKnownRegion(string region) => KnownRegions.Contains(region, StringComparer.Ordinal);

        /// <summary>The region codes the SDK knows (from S3MlLayout.Engine.S3, loaded on first use).</summary>
        public static IReadOnlyList<string> KnownRegions => EngineComponents.S3.KnownRegions;

        private static void CheckPart(string part, string value)
        {
            if (string.IsNullOrEmpty(value))
                throw Invalid(part + "Empty", part, $"{part} is empty; give a short lowercase identifier such as 'edge' or 'a001'.");
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') continue;
                string hint = char.IsUpper(c) ? $"use '{char.ToLowerInvariant(c)}' instead." : c == '.' ? "periods are avoided in generated names (they break HTTPS); use '-'." : "use only lowercase letters, digits and '-'.";
                throw Invalid(part + "InvalidCharacter", value, $"{part} '{value}' contains '{c}' at position {i + 1}, which is not allowed in a bucket name; {hint}");
            }
            if (value[0] == '-' || value[value.Length - 1] == '-' || value.Contains("--"))
                throw Invalid(part + "InvalidHyphen", value, $"{part} '{value}' starts or ends with a hyphen or has two in a row; the parts of a generated name are joined by single hyphens.");
        }

        private static void CheckEnvironment(string environment, IReadOnlyList<string> allowed)
        {
            if (string.IsNullOrEmpty(environment) || !allowed.Contains(environment, StringComparer.Ordinal))
                throw Invalid("EnvironmentUnknown", environment,
                    $"Environment '{environment}' is not one of the configured environments ({string.Join(", ", allowed)}). " +
                    "Use one of them, or configure your own with -AllowedEnvironment (e.g. through $PSDefaultParameterValues).");
            CheckPart("Environment", environment);
        }

        /// <summary>
        /// Up to five known regions closest to a mistyped one by edit distance (transpositions count once, so
        /// us-wset-2 finds us-west-2 first); ties keep the SDK's order. Nothing further than a third of the name.
        /// The one suggestion for a region, on the command line and in tenant files alike.
        /// </summary>
        public static IReadOnlyList<string> SuggestRegions(string region) =>
            Spelling.Closest(region, KnownRegions, Math.Max(2, region.Trim().Length / 3), 5);

        /// <summary>" (did you mean a, b?)" for a mistyped region, or nothing when no known region is close.</summary>
        public static string DidYouMeanRegion(string region)
        {
            var close = SuggestRegions(region);
            return close.Count > 0 ? $" (did you mean {string.Join(", ", close)}?)" : "";
        }

        private static void CheckRegion(string region, bool customRegion)
        {
            if (string.IsNullOrEmpty(region))
                throw Invalid("RegionEmpty", "Region", "Region is empty; give an AWS region code such as 'us-west-2'.");
            if (!customRegion && !IsKnownRegion(region))
            {
                throw Invalid("RegionUnknown", region,
                    $"Region '{region}' is not an AWS region known to this module{DidYouMeanRegion(region)}. " +
                    "For an S3-compatible endpoint with its own region names, add -CustomRegion.");
            }
            CheckPart("Region", region);
        }

        private static bool IsLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        private static string RandomSuffix(int length)
        {
            const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            var bytes = new byte[length];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            return new string(bytes.Select(b => alphabet[b % alphabet.Length]).ToArray());
        }

        private static MlLayoutException Invalid(string errorId, string? target, string message) =>
            new MlLayoutException(errorId, ErrorKind.InvalidArgument, target, message);
    }
}
