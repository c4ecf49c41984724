using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>Builds the findings of one bucket's check: the rules say what is wrong, this says where (bucket, URI).</summary>
    internal sealed class FindingFactory
    {
        private readonly IStorageTarget _target;

        public FindingFactory(IStorageTarget target) { _target = target; }

        /// <summary>The address of a key as users see it (s3://bucket/key or a local path).</summary>
        public string Describe(string key) => _target.Describe(key);

        public DriftFinding Finding(DriftCategory category, string solution, string key, string? expected, string? actual, string fix, bool repairable,
            long? count = null, long? size = null, string? uri = null, string? folder = null) => new DriftFinding
            {
                Kind = category, Bucket = _target.Bucket.Name, Solution = solution, Key = key, Uri = uri ?? _target.Describe(key),
                Expected = expected, Actual = actual, SuggestedFix = fix, Repairable = repairable, ObjectCount = count, Size = size,
                Folder = folder, Source = _target.Bucket,
            };
    }
}
