namespace S3MlLayout.Engine.S3
{
    /// <summary>One bucket-level change New-MlBucket made (or would make, under -WhatIf).</summary>
    public sealed class BucketChange
    {
        public BucketChange(string setting, string from, string to) { Setting = setting; From = from; To = to; }
        public string Setting { get; }
        public string From { get; }
        public string To { get; }
        public override string ToString() => $"{Setting}: {From} -> {To}";
    }
}
