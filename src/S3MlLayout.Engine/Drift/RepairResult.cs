namespace S3MlLayout.Engine.Drift
{
    public enum RepairAction
    {
        /// <summary>The missing or implicit folder's marker was written.</summary>
        Created,
        /// <summary>The marker was there already when the repair ran.</summary>
        AlreadyPresent,
        /// <summary>The declared bucket setting was applied again.</summary>
        SettingApplied,
        /// <summary>Not safe to fix automatically (Unexpected, NamingViolation, InvalidPartition): data is never moved or deleted.</summary>
        LeftAlone,
        /// <summary>-WhatIf, or a declined confirmation.</summary>
        Skipped,
        Failed,
    }

    /// <summary>What Repair-MlLayout did about one finding.</summary>
    public sealed class RepairResult
    {
        public DriftCategory Category { get; set; }
        public string Uri { get; set; } = "";
        public string Key { get; set; } = "";
        public RepairAction Action { get; set; }
        public string Detail { get; set; } = "";
        public override string ToString() => $"{Action} {Category} {Uri}";
    }
}
