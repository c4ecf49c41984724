using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Tenants;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// What the commands that read tenant files share: the files or folders (-Path), the -Environment, -Tenant and
    /// -TenantRegion filters, and the connection parameters (ConnectedCommandBase) that override the files' connection
    /// defaults. -Region is the connection's region here too: a bucket lives in its tenant file's region, so -Region
    /// selects the buckets of that one region (what the old -Region filter did with one name); wildcards and lists are
    /// -TenantRegion's, and -Region refuses them rather than read them as a region.
    /// </summary>
    public abstract class TenantCommandBase : ConnectedCommandBase
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.TenantValueCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Environment { get; set; } = { "*" };

        [Parameter]
        [Alias("TenantId")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.TenantValueCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Tenant { get; set; } = { "*" };

        /// <summary>The regions to take from the files (wildcards); all when omitted. Was -Region before this release.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(Completers.RegionCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] TenantRegion { get; set; } = { "*" };

        private readonly List<string> _files = new List<string>();
        private readonly List<MlLayoutException> _errors = new List<MlLayoutException>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (LocalPath != null && ExplicitConnectionParameters.Any(p => p != nameof(LocalPath) && p != nameof(Region)))
                Fail("LocalPathWithConnection", ErrorKind.InvalidArgument, LocalPath,
                    "-LocalPath selects the local target; the S3 connection parameters (-ProfileName, -EndpointUrl, -AccessKey ...) do not apply to it. Give one or the other.");
            if (Region != null && (WildcardPattern.ContainsWildcardCharacters(Region) || Region.IndexOfAny(new[] { ' ', ',', ';' }) >= 0))
                Fail("RegionIsNotAFilter", ErrorKind.InvalidArgument, Region,
                    $"-Region is the connection's region, one name such as us-west-2 (it selects the buckets of that region). To choose among the files' regions with wildcards or a list, use -TenantRegion '{Region}'.");
        }

        protected override void ProcessRecord()
        {
            foreach (var path in Path)
            {
                try
                {
                    string full = ResolvePath(path);
                    if (Directory.Exists(full))
                    {
                        var files = Directory.EnumerateFiles(full).Where(f => f.EndsWith(".yaml") || f.EndsWith(".yml")).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
                        if (files.Count == 0)
                            throw new MlLayoutException("TenantFileNotFound", ErrorKind.ObjectNotFound, full, $"The folder '{full}' holds no tenant file (*.yaml, *.yml); check the path.");
                        _files.AddRange(files);
                    }
                    else if (File.Exists(full)) _files.Add(full);
                    else throw new MlLayoutException("TenantFileNotFound", ErrorKind.ObjectNotFound, full, $"The tenant file or folder '{full}' does not exist; check the path.");
                }
                catch (MlLayoutException e)
                {
                    _errors.Add(e);
                }
            }
        }

        /// <summary>The tenant files given, resolved (folders expanded to their *.yaml/*.yml files, sorted).</summary>
        protected IReadOnlyList<string> TenantFiles => _files.Distinct().ToList();

        /// <summary>
        /// Every file read and checked before one spec is returned: a broken file stops the command (all its errors
        /// reported), so nothing downstream ever acts on half a fleet. Filters and connection overrides applied.
        /// </summary>
        protected IReadOnlyList<MlBucketSpec> LoadSpecs()
        {
            var specs = new List<MlBucketSpec>();
            foreach (var file in _files.Distinct())
            {
                try { specs.AddRange(TenantCatalog.LoadFile(file)); }
                catch (MlLayoutException e) { _errors.Add(e); }
            }
            if (_errors.Count == 0)
            {
                try { TenantCatalog.CheckUnique(specs); }
                catch (MlLayoutException e) { _errors.Add(e); }
            }
            if (_errors.Count > 0)
            {
                foreach (var error in _errors.Take(_errors.Count - 1)) Report(error);
                Fail(_errors[_errors.Count - 1]);
            }

            // An endpoint carrying a secret would ride on every spec Import-MlTenant outputs: refused before any.
            try { Engine.Storage.EndpointUrls.Check(EndpointUrl, "-EndpointUrl"); }
            catch (MlLayoutException e) { Fail(e); }
            string? localPath = LocalPath == null ? null : ResolvePath(LocalPath);
            bool? forcePathStyle = MyInvocation.BoundParameters.ContainsKey(nameof(ForcePathStyle)) ? ForcePathStyle.IsPresent : (bool?)null;
            var environments = Patterns(Environment);
            var tenants = Patterns(Tenant);
            var regions = Patterns(TenantRegion);
            var chosen = new List<MlBucketSpec>();
            foreach (var spec in specs)
            {
                if (!environments.Any(p => p.IsMatch(spec.Environment)) || !tenants.Any(p => p.IsMatch(spec.TenantId)) || !regions.Any(p => p.IsMatch(spec.Region))
                    || (Region != null && !string.Equals(Region, spec.Region, System.StringComparison.OrdinalIgnoreCase)))
                    continue;
                TenantCatalog.OverrideConnection(spec, ProfileName, EndpointUrl, forcePathStyle, localPath, ProfileLocation == null ? null : ResolvePath(ProfileLocation));
                chosen.Add(spec);
            }
            return chosen;
        }

        private static WildcardPattern[] Patterns(string[] values) =>
            values.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToArray();
    }
}
