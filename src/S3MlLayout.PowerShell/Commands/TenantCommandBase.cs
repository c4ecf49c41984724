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
    /// -Region filters, and the connection parameters that override the files' connection defaults.
    /// </summary>
    public abstract class TenantCommandBase : Common.MlCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Environment { get; set; } = { "*" };

        [Parameter]
        [Alias("TenantId")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Tenant { get; set; } = { "*" };

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Region { get; set; } = { "*" };

        [Parameter]
        [Alias("AWSProfileName")]
        [ValidateNotNullOrEmpty]
        public string? ProfileName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? EndpointUrl { get; set; }

        [Parameter]
        public SwitchParameter ForcePathStyle { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LocalPath { get; set; }

        private readonly List<string> _files = new List<string>();
        private readonly List<MlLayoutException> _errors = new List<MlLayoutException>();

        protected override void BeginProcessing()
        {
            if (LocalPath != null && (ProfileName != null || EndpointUrl != null || ForcePathStyle.IsPresent))
                Fail("LocalPathWithConnection", ErrorKind.InvalidArgument, LocalPath,
                    "-LocalPath selects the local target; -ProfileName, -EndpointUrl and -ForcePathStyle do not apply to it. Give one or the other.");
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
            var regions = Patterns(Region);
            var chosen = new List<MlBucketSpec>();
            foreach (var spec in specs)
            {
                if (!environments.Any(p => p.IsMatch(spec.Environment)) || !tenants.Any(p => p.IsMatch(spec.TenantId)) || !regions.Any(p => p.IsMatch(spec.Region)))
                    continue;
                TenantCatalog.OverrideConnection(spec, ProfileName, EndpointUrl, forcePathStyle, localPath);
                chosen.Add(spec);
            }
            return chosen;
        }

        private static WildcardPattern[] Patterns(string[] values) =>
            values.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToArray();
    }
}
