using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>Reads one template file (S3MlLayout.Engine.Yaml: YamlDotNet).</summary>
    internal interface ITemplateParser
    {
        TemplateDocument Parse(string yaml, string file);
    }
}

namespace S3MlLayout.Engine.Tenants
{
    /// <summary>Reads one tenant file (S3MlLayout.Engine.Yaml: YamlDotNet); the core resolves and checks it.</summary>
    internal interface ITenantParser
    {
        TenantDocument Parse(string yaml, string file);
    }
}

namespace S3MlLayout.Engine.Storage
{
    /// <summary>What the core needs of S3 (S3MlLayout.Engine.S3: AWSSDK).</summary>
    internal interface IS3Support
    {
        /// <summary>The target of a bucket with <see cref="StorageKind.S3"/>; its connection is the bucket's handle.</summary>
        IStorageTarget Open(MlBucket bucket);
        /// <summary>
        /// The buckets the connection of <paramref name="location"/> can see in its region (ListBuckets, then each bucket's
        /// tags, null when unreadable) whose names pass <paramref name="nameFilter"/>, each handed to <paramref name="judge"/> at most <paramref name="concurrency"/> at
        /// once; the buckets it keeps. The target knows buckets and tags; which are this module's is the caller's call.
        /// </summary>
        Task<List<MlBucket>> ListBucketsAsync(MlBucket location, Func<string, bool>? nameFilter, int concurrency, Action<string>? skipped, Func<MlBucket, IReadOnlyDictionary<string, string>?, Task<MlBucket?>> judge, CancellationToken cancellation);
        /// <summary>The region codes the SDK knows, sorted.</summary>
        IReadOnlyList<string> KnownRegions { get; }
    }
}

namespace S3MlLayout.Engine
{
    /// <summary>
    /// The seams between the engine core and its two halves that carry third-party code. The core (this assembly)
    /// has no package reference and loads in the host's default context, so its types (buckets, folder nodes,
    /// findings, results) resolve by name; S3MlLayout.Engine.S3 (AWSSDK) and S3MlLayout.Engine.Yaml (YamlDotNet)
    /// reference the core and are found here at run time, by one well-known type each, on first use.
    /// </summary>
    /// <remarks>
    /// Loading is by assembly name, like any reference: in the module, the cmdlet assembly's resolver answers
    /// with the copies in its private load context (bin/Dependencies); in the engine tests, they sit beside the
    /// tests. Either way the implementation's view of the core is this very assembly, so the casts below hold.
    /// </remarks>
    internal static class EngineComponents
    {
        internal const string S3AssemblyName = "S3MlLayout.Engine.S3";
        internal const string YamlAssemblyName = "S3MlLayout.Engine.Yaml";
        /// <summary>net8.0 (Parquet.Net targets no netstandard): loads on PowerShell 7.4 and later only.</summary>
        internal const string ParquetAssemblyName = "S3MlLayout.Engine.Parquet";

        private static readonly Lazy<ITemplateParser> s_templateParser =
            new Lazy<ITemplateParser>(() => Create<ITemplateParser>("S3MlLayout.Engine.Layouts.YamlTemplateParser", YamlAssemblyName, "read template files"));

        private static readonly Lazy<Tenants.ITenantParser> s_tenantParser =
            new Lazy<Tenants.ITenantParser>(() => Create<Tenants.ITenantParser>("S3MlLayout.Engine.Tenants.YamlTenantParser", YamlAssemblyName, "read tenant files"));

        private static readonly Lazy<IS3Support> s_s3 =
            new Lazy<IS3Support>(() => Create<IS3Support>("S3MlLayout.Engine.S3.S3Support", S3AssemblyName, "reach S3"));

        private static readonly Lazy<Inventory.IParquetInventoryReader> s_parquet =
            new Lazy<Inventory.IParquetInventoryReader>(() => Create<Inventory.IParquetInventoryReader>("S3MlLayout.Engine.Inventory.ParquetInventoryReader", ParquetAssemblyName, "read Parquet inventory reports"));

        public static ITemplateParser TemplateParser => s_templateParser.Value;

        public static Tenants.ITenantParser TenantParser => s_tenantParser.Value;

        public static IS3Support S3 => s_s3.Value;

        /// <summary>Callers check the runtime first (InventorySource.EnsureReadable): on .NET Framework this cannot load.</summary>
        public static Inventory.IParquetInventoryReader ParquetInventoryReader => s_parquet.Value;

        private static T Create<T>(string typeName, string assemblyName, string purpose) where T : class
        {
            try
            {
                var type = Type.GetType($"{typeName}, {assemblyName}", throwOnError: true)!;
                return (T)Activator.CreateInstance(type, nonPublic: true)!;
            }
            catch (Exception e) when (!(e is MlLayoutException))
            {
                throw new MlLayoutException("EngineComponentMissing", ErrorKind.NotSpecified, assemblyName,
                    $"{assemblyName}, which the engine needs to {purpose}, cannot be loaded ({e.GetType().Name}: {e.Message}). " +
                    "Reinstall the module: it ships in bin/Dependencies beside the cmdlets.", e);
            }
        }
    }
}
