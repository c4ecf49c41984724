using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.Storage;
using S3MlLayout.PowerShell.Completers;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>Provisions solutions/{solution}/ from a template in the bucket piped in; idempotent.</summary>
    [Cmdlet(VerbsCommon.Add, "MlSolution", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(SolutionProvisionResult))]
    public sealed class AddMlSolutionCommand : SolutionCommandBase
    {
        [Parameter]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public object Template { get; set; } = "master-solution";

        [Parameter]
        public string[] Include { get; set; } = new string[0];

        protected override object? TemplateArgument => Template;

        protected override void ProcessRecord()
        {
            var template = ResolvedTemplate;
            var bucket = Bucket!;
            try
            {
                // Expand every solution first: a bad name or option stops the command before anything is written.
                foreach (var solution in Name)
                    LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = Include });
                using var target = OpenExistingBucket(bucket);
                var audit = new AuditRecord { Template = template.Name, TemplateVersion = template.Version };
                Audited(target, audit, () => Provision(target, template, audit));
            }
            catch (MlLayoutException e)
            {
                Fail(e);
            }
        }

        private void Provision(IStorageTarget target, LayoutTemplate template, AuditRecord audit)
        {
            var declarations = Run(ct => Task.WhenAll(Name.Select(solution => DeclaredLayout.ReadStoredAsync(target, solution, ct))));
            // Which folders exist, read before anything is written: a folder the target refuses (a link out of a
            // local bucket) stops the run here, with nothing declared.
            var candidates = Name.Select((solution, i) => LayoutExpander.Expand(new LayoutRequest(template)
            {
                Solution = solution, Dates = Date, Include = Include.Union(declarations[i].Layout?.Include ?? Enumerable.Empty<string>(), StringComparer.Ordinal).ToArray(),
            }).Select(n => n.Key)).SelectMany(k => k).Distinct(StringComparer.Ordinal).ToArray();
            var folderPlan = PlanFolders(target, candidates);
            var plans = new List<SolutionPlan>();
            for (int i = 0; i < Name.Length; i++)
            {
                string solution = Name[i];
                var (declared, read) = declarations[i];
                // Optional folders included earlier stay included.
                var include = Include.Union(declared?.Include ?? Enumerable.Empty<string>(), StringComparer.Ordinal).ToArray();
                var declaration = DeclaredLayout.From(template, solution, include);
                if (declared != null && (declared.Template != template.Name || declared.TemplateVersion != template.Version) && !Force)
                {
                    Report(declaration.Mismatch(target, declared));
                    continue;
                }
                // Declare first, with compare-and-swap: of two runs declaring different templates at once, exactly one
                // wins before either writes a folder, and a run stopped half-way has declared what it was writing.
                if ((Force || !declaration.SameAs(declared)) && ShouldProcess(target.Describe(DeclaredLayout.KeyFor(solution)), "Record declared layout"))
                {
                    try
                    {
                        if (Run(ct => declaration.DeclareAsync(target, read, Force, ct)))
                            audit.SettingsChanged.Add($"declared layout of {solution}: {template.Name} {template.Version}");
                    }
                    catch (MlLayoutException e) when (e.ErrorId == "SolutionTemplateMismatch")
                    {
                        Report(e);
                        continue;
                    }
                    include = declaration.Include.ToArray();
                }
                var keys = LayoutExpander.Expand(new LayoutRequest(template) { Solution = solution, Dates = Date, Include = include }).Select(n => n.Key).ToArray();
                plans.Add(new SolutionPlan(solution, include, keys, declared));
                audit.Solutions.Add(solution);
            }
            if (plans.Count == 0) return;

            // One batch for all the solutions, so the requests of one overlap the others'. A key two solutions
            // share (solutions/) belongs to the first; for the others it counts as present.
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var plan in plans)
                foreach (var key in plan.Keys)
                    if (!owner.ContainsKey(key)) owner[key] = plan.Solution;
            // The plan read above covers these keys unless another run widened the includes meanwhile: then read again.
            var planned = new HashSet<string>(candidates, StringComparer.Ordinal);
            if (!owner.Keys.All(planned.Contains)) folderPlan = PlanFolders(target, owner.Keys.ToArray());
            var keep = new HashSet<string>(owner.Keys, StringComparer.Ordinal);
            folderPlan = new FolderPlan(folderPlan.Missing.Where(keep.Contains).ToList(), folderPlan.Present.Where(keep.Contains).ToList());
            var tally = ProvisionFolders(target, folderPlan, string.Join(", ", plans.Select(p => p.Solution)), audit);

            var created = new HashSet<string>(tally.Created, StringComparer.Ordinal);
            var failed = new HashSet<string>(tally.Failed, StringComparer.Ordinal);
            var skipped = new HashSet<string>(tally.Skipped, StringComparer.Ordinal);
            foreach (var plan in plans)
            {
                var own = plan.Keys.Where(k => owner[k] == plan.Solution).ToList();
                var shared = plan.Keys.Where(k => owner[k] != plan.Solution).ToList();
                WriteObject(new SolutionProvisionResult
                {
                    Bucket = target.Bucket.Name, Solution = plan.Solution, Template = template.Name, TemplateVersion = template.Version,
                    Uri = target.Describe($"solutions/{plan.Solution}/"),
                    Created = own.Count(created.Contains),
                    AlreadyPresent = own.Count(k => !created.Contains(k) && !failed.Contains(k) && !skipped.Contains(k)) + shared.Count(k => !failed.Contains(k) && !skipped.Contains(k)),
                    Failed = plan.Keys.Count(failed.Contains), Skipped = plan.Keys.Count(skipped.Contains),
                    CreatedKeys = own.Where(created.Contains).ToList(), FailedKeys = plan.Keys.Where(failed.Contains).ToList(),
                });
            }
        }

        private sealed class SolutionPlan
        {
            public SolutionPlan(string solution, string[] include, string[] keys, DeclaredLayout? declared)
            {
                Solution = solution; Include = include; Keys = keys; Declared = declared;
            }
            public string Solution { get; }
            public string[] Include { get; }
            public string[] Keys { get; }
            public DeclaredLayout? Declared { get; }
        }
    }
}
