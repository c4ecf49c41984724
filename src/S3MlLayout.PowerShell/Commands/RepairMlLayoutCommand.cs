using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using S3MlLayout.Engine.Audit;
using S3MlLayout.Engine.Drift;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Provisioning;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.PowerShell.Commands
{
    /// <summary>
    /// Fixes what is safe in drift findings piped to it: writes missing and implicit folder markers and re-applies
    /// declared bucket settings. Never deletes, moves or overwrites data.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Repair, "MlLayout", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RepairResult))]
    public sealed class RepairMlLayoutCommand : ProvisioningCommandBase
    {
        private readonly List<DriftFinding> _findings = new List<DriftFinding>();

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public DriftFinding[] InputObject { get; set; } = new DriftFinding[0];

        /// <summary>For findings that no longer carry their bucket (read back from JSON, say).</summary>
        [Parameter]
        public MlBucket? Bucket { get; set; }

        protected override void ProcessRecord() => _findings.AddRange(InputObject.Where(f => f != null));

        protected override void EndProcessing()
        {
            foreach (var group in _findings.GroupBy(f => f.Bucket))
            {
                try
                {
                    var bucket = group.First().Source ?? (Bucket != null && Bucket.Name == group.Key ? Bucket : null)
                        ?? throw new MlLayoutException("RepairBucketUnknown", ErrorKind.InvalidArgument, group.Key,
                            $"The findings for bucket '{group.Key}' do not carry their bucket (they were not piped from Get-MlLayoutDrift); pass it with -Bucket.");
                    Repair(bucket, group.ToList());
                }
                catch (MlLayoutException e)
                {
                    Report(e);
                }
            }
        }

        private static bool FixesMarker(DriftFinding f) => f.Category == DriftCategory.Missing || f.Category == DriftCategory.Implicit;

        private void Repair(MlBucket bucket, List<DriftFinding> findings)
        {
            using var target = OpenExistingBucket(bucket);
            Audited(target, new AuditRecord(), audit => Repair(bucket, findings, target, audit));
        }

        private void Repair(MlBucket bucket, List<DriftFinding> findings, IStorageTarget target, AuditRecord audit)
        {
            var settings = findings.Where(f => f.Category == DriftCategory.BucketSetting).ToList();
            // Read what to re-apply before changing anything, so a missing declaration stops the repair cleanly.
            var declared = settings.Count > 0 && bucket.Connection != null
                ? Run(ct => DeclaredBucket.ReadAsync(target, ct))?.Settings
                  ?? throw new MlLayoutException("DeclarationMissing", ErrorKind.ObjectNotFound, target.Describe(DeclaredBucket.Key),
                      "The bucket has no declared settings to re-apply; run New-MlBucket to declare them.")
                : null;
            var markers = findings.Where(FixesMarker).ToList();
            if (markers.Count > 0)
            {
                var byKey = markers.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First());
                var tally = ProvisionFolders(target, byKey.Keys.ToArray(), $"{markers.Count} folders", audit, result =>
                    WriteObject(new RepairResult
                    {
                        Category = byKey[result.Key].Category, Uri = result.Uri, Key = result.Key,
                        Action = result.Outcome switch
                        {
                            Engine.Provisioning.FolderOutcome.Created => RepairAction.Created,
                            Engine.Provisioning.FolderOutcome.AlreadyExists => RepairAction.AlreadyPresent,
                            Engine.Provisioning.FolderOutcome.Failed => RepairAction.Failed,
                            _ => RepairAction.Skipped,
                        },
                        Detail = result.Error?.Message ?? "folder marker",
                    }));
                foreach (var key in tally.Skipped)
                    WriteObject(new RepairResult { Category = byKey[key].Category, Uri = target.Describe(key), Key = key, Action = RepairAction.Skipped, Detail = "not confirmed" });
            }

            if (declared != null)
            {
                var admin = new S3BucketAdmin(S3Buckets.ConnectionOf(bucket), bucket.Name);
                var actual = Run(ct => admin.ReadAsync(ct));
                var plan = S3BucketAdmin.Plan(declared, actual);
                var approved = plan.Where(change => ShouldProcess(bucket.Uri, $"Set {change}")).ToList();
                var applied = approved.Count == 0 ? approved : Run(ct => admin.ApplyAsync(declared, actual, approved, ct));
                foreach (var finding in settings)
                {
                    string group = S3BucketAdmin.SettingOf(finding.Key);
                    var change = applied.FirstOrDefault(c => c.Setting == group);
                    WriteObject(new RepairResult
                    {
                        Category = finding.Category, Uri = finding.Uri, Key = finding.Key,
                        Action = change != null ? RepairAction.SettingApplied : plan.Any(p => p.Setting == group) ? RepairAction.Skipped : RepairAction.AlreadyPresent,
                        Detail = change?.ToString() ?? $"{finding.Key}: {finding.Expected}",
                    });
                }
                audit.SettingsChanged.AddRange(applied.Select(c => c.ToString()));
            }

            var leftAlone = findings.Where(f => !FixesMarker(f) && f.Category != DriftCategory.BucketSetting).ToList();
            foreach (var finding in leftAlone)
                WriteObject(new RepairResult { Category = finding.Category, Uri = finding.Uri, Key = finding.Key, Action = RepairAction.LeftAlone, Detail = finding.SuggestedFix });
            if (leftAlone.Count > 0)
                WriteWarning($"{leftAlone.Count} findings left alone ({string.Join(", ", leftAlone.Select(f => f.Category).Distinct())}): Repair-MlLayout never moves, renames or deletes data. See each result's Detail.");
        }
    }
}
