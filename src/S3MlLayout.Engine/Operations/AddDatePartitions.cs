using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;

namespace S3MlLayout.Engine.Operations
{
    /// <summary>
    /// Adds the date partitions (YYYY/MM/DD or Hive) of every date-partitioned folder of solutions, from each
    /// solution's declared layout or a template given explicitly.
    /// </summary>
    public sealed class AddDatePartitionsPlan : ChangePlan
    {
        private AddDatePartitionsPlan(OperationContext context, LayoutTemplate? template) : base(context) { ExplicitTemplate = template; }

        /// <summary>The template given with -Template; null when each solution's declaration decides.</summary>
        public LayoutTemplate? ExplicitTemplate { get; }
        private readonly List<(string Solution, LayoutTemplate Template, List<string> Keys)> _solutions = new List<(string, LayoutTemplate, List<string>)>();
        private FolderPlan _folders = new FolderPlan(Array.Empty<string>(), Array.Empty<string>());

        public static async Task<AddDatePartitionsPlan> CreateAsync(OperationContext context, IReadOnlyList<string> solutions, IReadOnlyList<DateTime> dates,
            LayoutTemplate? template, CancellationToken cancellation)
        {
            foreach (var solution in solutions) LayoutExpander.CheckSolutionName(solution);
            var plan = new AddDatePartitionsPlan(context, template);
            var target = context.Target;
            foreach (var solution in solutions)
            {
                var declared = await DeclaredLayout.ReadAsync(target, solution, cancellation).ConfigureAwait(false);
                var layout = template ?? declared?.ToTemplate();
                if (layout == null)
                {
                    plan.Problems.Add(new MlLayoutException("SolutionNotDeclared", ErrorKind.ObjectNotFound, target.Describe($"{LayoutExpander.SolutionsFolder}/{solution}/"),
                        $"Solution '{solution}' has no declared layout in this bucket; provision it with Add-MlSolution, or name its template with -Template."));
                    continue;
                }
                var keys = LayoutExpander.Expand(new LayoutRequest(layout)
                {
                    Solution = solution, Dates = dates, PartitionsOnly = true, Include = declared?.Include ?? new List<string>(),
                }).Select(n => n.Key).ToList();
                if (keys.Count == 0)
                    plan.Warnings.Add($"Template {layout.Name} declares no date-partitioned folder; nothing to add for '{solution}'.");
                plan._solutions.Add((solution, layout, keys));
            }
            plan._folders = await FolderWrites.PlanAsync(target, plan._solutions.SelectMany(s => s.Keys), cancellation).ConfigureAwait(false);
            plan.Notes.Add($"{string.Join(", ", plan._solutions.Select(s => s.Solution))}: {plan._folders.Present.Count} of {plan._folders.Missing.Count + plan._folders.Present.Count} partition folders already present ({target.Requests}).");
            var owner = plan._solutions.SelectMany(s => s.Keys.Select(k => (k, s.Solution))).GroupBy(p => p.k).ToDictionary(g => g.Key, g => g.First().Solution, StringComparer.Ordinal);
            plan.Changes.AddRange(FolderWrites.Changes(target, plan._folders, key => owner[key]));
            plan.AddAuditChange();
            return plan;
        }

        /// <summary>Writes the approved markers (all solutions in one batch) and emits one summary per solution. Audited.</summary>
        public Task ApplyAsync(IReadOnlyCollection<PlannedChange> approved, IOperationSink sink, CancellationToken cancellation)
        {
            var audit = new AuditRecord { Template = ExplicitTemplate?.Name, TemplateVersion = ExplicitTemplate?.Version };
            return AuditedRun.RunAsync(Context, audit, sink, async () =>
            {
                audit.Solutions.AddRange(_solutions.Select(s => s.Solution));
                var tally = await FolderWrites.ApplyAsync(Context, _folders, FolderWrites.KeysOf(approved, ChangeKind.WriteMarker), audit, sink, cancellation).ConfigureAwait(false);
                var created = new HashSet<string>(tally.Created, StringComparer.Ordinal);
                var failed = new HashSet<string>(tally.Failed, StringComparer.Ordinal);
                var skipped = new HashSet<string>(tally.Skipped, StringComparer.Ordinal);
                foreach (var (solution, template, keys) in _solutions)
                    sink.Output(new SolutionProvisionResult
                    {
                        Bucket = Target.Bucket.Name, Solution = solution, Template = template.Name, TemplateVersion = template.Version,
                        Uri = Target.Describe($"{LayoutExpander.SolutionsFolder}/{solution}/"), Created = keys.Count(created.Contains),
                        AlreadyPresent = keys.Count(k => !created.Contains(k) && !failed.Contains(k) && !skipped.Contains(k)),
                        Failed = keys.Count(failed.Contains), Skipped = keys.Count(skipped.Contains),
                        CreatedKeys = keys.Where(created.Contains).ToList(), FailedKeys = keys.Where(failed.Contains).ToList(),
                    });
            }, cancellation, approved);
        }
    }
}
