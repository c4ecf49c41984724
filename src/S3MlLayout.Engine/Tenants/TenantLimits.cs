using System.Globalization;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>
    /// The bounds of a tenant file. It is read by the same bounded YAML reader as templates (nesting and alias limits,
    /// as TenantDepthLimit and TenantAliasLimit), with the same size limit; an inline template is held to the template
    /// limits. Dates are bounded because each one becomes partitions in every solution of every bucket.
    /// </summary>
    public static class TenantLimits
    {
        /// <summary>Largest tenant file, in bytes of UTF-8: the template limit (4 MiB). Read no further than that (TenantTooLarge), whatever its length says.</summary>
        public const int MaxFileBytes = TemplateLimits.MaxFileBytes;

        /// <summary>Most dates one tenant file (or one environment) may declare, a range counted day by day (TenantDateLimit).</summary>
        public const int MaxDates = 3660;

        internal static TemplateException TooLarge(string file, long bytes) =>
            new TemplateException("TenantTooLarge", ErrorKind.LimitsExceeded, file, 1, 1,
                $"the tenant file has {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes; tenant files may have at most 4 MiB " +
                $"({MaxFileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes). Move an inline template to its own file, or split the tenant.");
    }
}
