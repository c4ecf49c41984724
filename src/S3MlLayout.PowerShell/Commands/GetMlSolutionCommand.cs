using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Lists the solutions declared in a bucket, with their template, version and when they were provisioned.</summary>
    [Cmdlet(VerbsCommon.Get, "MlSolution", DefaultParameterSetName = BucketSet)]
    [OutputType(typeof(MlSolution))]
    public sealed class GetMlSolutionCommand : BucketInputCommandBase
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BucketSet)]
        [Common.BucketTransformation]
        [ValidateNotNull]
        public MlBucket? Bucket { get; set; }

        /// <summary>The solutions to list (wildcards); all when omitted.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [Alias("Solution")]
        [ArgumentCompleter(typeof(Completers.SolutionNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
                var bucket = BucketOf(Bucket);
                using var target = OpenExistingBucket(bucket);
                var problems = new List<MlLayoutException>();
                var solutions = Run(ct => SolutionCatalog.ListAsync(target, patterns == null ? null : n => patterns.Any(p => p.IsMatch(n)), problems.Add, ct));
                foreach (var problem in problems) Report(problem);
                WriteObject(solutions, enumerateCollection: true);
                // A name without wildcards that matches nothing is an error, as Get-Item reports a missing item.
                foreach (var name in Name ?? Array.Empty<string>())
                    if (!WildcardPattern.ContainsWildcardCharacters(name) && !solutions.Any(s => string.Equals(s.Solution, name, StringComparison.OrdinalIgnoreCase))
                        && !problems.Any(p => p.Target == target.Describe(DeclaredLayout.KeyFor(name))))
                        Report(new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"{LayoutExpander.SolutionsFolder}/{name}/"),
                            $"Solution '{name}' has no declared layout in {bucket.Uri}; list the declared solutions with Get-MlSolution, or provision it with Add-MlSolution."));
            }
            catch (MlLayoutException e)
            {
                Report(e);
            }
        }
    }
}
