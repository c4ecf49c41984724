using System.Text;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Tenants;

/// <summary>
/// Bad tenant files (docs/tenants.md, "Errors"): each fails with its documented ErrorId at file:line:column, while
/// being loaded, so before anything could send a request.
/// </summary>
public sealed class TenantFileErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Head = "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n";

    public static TheoryData<string, string, string, int, int> BadFiles => new()
    {
        // name, yaml, ErrorId, line, column
        { "unknown top key (case)", Head + "Solutions: [churn]\n", "TenantUnknownKey", 5, 1 },
        { "missing tenantId", "companyPrefix: edge\nregions: [us-west-2]\ntemplate: master-solution\n", "TenantMissingKey", 1, 1 },
        { "missing template", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\n", "TenantMissingKey", 1, 1 },
        { "missing regions", "companyPrefix: edge\ntenantId: a001\ntemplate: master-solution\n", "TenantMissingKey", 1, 1 },
        { "not a mapping", "- edge\n- a001\n", "TenantYamlInvalid", 1, 1 },
        { "duplicate key", Head + "tenantId: b001\n", "TenantYamlInvalid", 5, 1 },
        { "uppercase companyPrefix", "companyPrefix: Edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n", "TenantNamePartInvalid", 1, 16 },
        { "underscore in tenantId", "companyPrefix: edge\ntenantId: a_001\nregions: [us-west-2]\ntemplate: master-solution\n", "TenantNamePartInvalid", 2, 11 },
        { "uppercase environment", Head + "environments: [dev, Prod]\n", "TenantNamePartInvalid", 5, 21 },
        { "unknown region", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2, us-west-9]\ntemplate: master-solution\n", "TenantRegionUnknown", 3, 22 },
        { "unknown region in an environment", Head + "environments:\n  prod:\n    regions: [mars-1]\n", "TenantRegionUnknown", 7, 15 },
        { "name over 63 characters", "companyPrefix: averyveryverylongcompanyname\ntenantId: tenant-number-0001\nregions: [ap-southeast-2]\ntemplate: master-solution\n", "TenantBucketNameTooLong", 3, 11 },
        { "invalid bucketName", Head + "environments:\n  prod:\n    bucketName: Edge_Prod\n", "TenantBucketNameInvalid", 7, 17 },
        { "reserved prefix in generated name", "companyPrefix: sthree\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n", "TenantBucketNameInvalid", 1, 16 },
        { "bucketName for two regions", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2, us-east-1]\ntemplate: master-solution\nenvironments:\n  prod:\n    bucketName: edge-prod-custom\n", "TenantBucketNameConflict", 7, 17 },
        { "unknown built-in template", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solutions\n", "TenantTemplateNotFound", 4, 11 },
        { "missing template file", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: ./missing.yaml\n", "TenantTemplateNotFound", 4, 11 },
        { "bucket folder the template lacks", Head + "bucketFolders: [shared, scratch]\n", "TenantBucketFolderUnknown", 5, 25 },
        { "bucket folder on a template without any", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: simple-ml\nbucketFolders: [shared]\n", "TenantBucketFolderUnknown", 5, 17 },
        { "solution not kebab-case", Head + "solutions: [Customer_Churn]\n", "TenantSolutionInvalid", 5, 13 },
        { "solution twice", Head + "solutions: [churn, fraud, churn]\n", "TenantDuplicateEntry", 5, 27 },
        { "environment twice", Head + "environments: [dev, prod, dev]\n", "TenantDuplicateEntry", 5, 27 },
        { "date not YYYY-MM-DD", Head + "dates: [2024-01-01, 2024-13-01]\n", "TenantInvalidValue", 5, 21 },
        { "date range backwards", Head + "dates:\n  from: 2024-02-01\n  to: 2024-01-01\n", "TenantInvalidValue", 7, 7 },
        { "date twice", Head + "dates: [2024-01-01, 2024-01-01]\n", "TenantDuplicateEntry", 5, 21 },
        { "versioning: yes", Head + "settings:\n  versioning: yes\n", "TenantInvalidValue", 6, 15 },
        { "unknown bucket default", Head + "settings:\n  skipDefaults: [Versoning]\n", "TenantInvalidValue", 6, 18 },
        { "versioning on and skipped", Head + "settings:\n  versioning: true\n  skipDefaults: [Versioning]\n", "TenantInvalidValue", 7, 18 },
        { "kms key with encryption skipped", Head + "settings:\n  kmsKeyId: alias/x\n  skipDefaults: [Encryption]\n", "TenantInvalidValue", 6, 13 },
        { "abort days negative", Head + "settings:\n  abortIncompleteUploadDays: -1\n", "TenantInvalidValue", 6, 30 },
        { "storage class without transition", Head + "settings:\n  lifecycle:\n    - prefix: logs/\n      storageClass: GLACIER\n", "TenantInvalidValue", 8, 21 },
        { "lifecycle rule with nothing to do", Head + "settings:\n  lifecycle:\n    - prefix: logs/\n", "TenantInvalidValue", 7, 7 },
        { "lifecycle on the reserved prefix", Head + "settings:\n  lifecycle:\n    - prefix: .s3mllayout/audit/\n      expirationDays: 30\n", "TenantInvalidValue", 7, 7 },
        { "tag New-MlBucket sets", Head + "settings:\n  tags:\n    managed-by: me\n", "TenantInvalidValue", 7, 5 },
        { "unknown settings key", Head + "settings:\n  versioned: true\n", "TenantUnknownKey", 6, 3 },
        // Issue 16: YamlDotNet reported these tabs at 1:1; the tab itself is the place.
        { "tab indenting line 6", Head + "settings:\n\tversioning: true\n", "TenantYamlInvalid", 6, 1 },
        { "tab after spaces in an environment", Head + "environments:\n  prod:\n  \tregions: [us-east-1]\n", "TenantYamlInvalid", 7, 3 },
        { "settings indented under environments", Head + "environments:\n  settings:\n    versioning: false\n", "TenantUnknownKey", 6, 3 },
        { "unknown environment key", Head + "environments:\n  prod:\n    bucket: edge-prod\n", "TenantUnknownKey", 7, 5 },
        { "unknown connection key", Head + "connection:\n  secretKey: abc\n", "TenantUnknownKey", 6, 3 },
        { "endpoint not http(s)", Head + "connection:\n  endpoint: ftp://store\n", "TenantInvalidValue", 6, 13 },
        { "endpoint with credentials", Head + "connection:\n  endpoint: https://key:secret@store\n", "TenantInvalidValue", 6, 13 },
        // Issue 17: settings: inventory:
        { "inventory frequency hourly", Head + "settings:\n  inventory:\n    frequency: Hourly\n", "TenantInvalidValue", 7, 16 },
        { "inventory format avro", Head + "settings:\n  inventory:\n    format: Avro\n", "TenantInvalidValue", 7, 13 },
        { "inventory versions latest", Head + "settings:\n  inventory:\n    versions: Latest\n", "TenantInvalidValue", 7, 15 },
        { "inventory unknown field", Head + "settings:\n  inventory:\n    fields: [Size, Colour]\n", "TenantInvalidValue", 7, 20 },
        { "inventory id with a space", Head + "settings:\n  inventory:\n    id: my inventory\n", "TenantInvalidValue", 7, 9 },
        { "inventory destination not s3://", Head + "settings:\n  inventory:\n    destination: reports/\n", "TenantInvalidValue", 7, 18 },
        { "inventory destination bucket invalid", Head + "settings:\n  inventory:\n    destination: s3://Central_Inventory/reports\n", "TenantInvalidValue", 7, 18 },
        { "inventory into the bucket's solutions/", Head + "settings:\n  inventory:\n    destination: s3://edge-dev-a001-us-west-2/solutions/inventory\n", "TenantInvalidValue", 7, 18 },
        { "inventory into the bucket's .s3mllayout/", Head + "settings:\n  inventory:\n    destination: s3://edge-prod-a001-us-west-2/.s3mllayout/inv\n", "TenantInvalidValue", 7, 18 },
        { "inventory into a template bucket folder", Head + "settings:\n  inventory:\n    destination: s3://edge-dev-a001-us-west-2/shared/inventory\n", "TenantInvalidValue", 7, 18 },
        { "inventory unknown key", Head + "settings:\n  inventory:\n    schedule: Daily\n", "TenantUnknownKey", 7, 5 },
        { "inventory: yes", Head + "settings:\n  inventory: yes\n", "TenantInvalidValue", 6, 14 },
        { "environments as a number", Head + "environments: 3\n", "TenantInvalidValue", 5, 15 },
        { "regions empty", "companyPrefix: edge\ntenantId: a001\nregions: []\ntemplate: master-solution\n", "TenantInvalidValue", 3, 10 },
        { "inline template: unknown key", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate:\n  name: inline\n  version: 1.0.0\n  extends: simple-ml\n  remove:\n    - dataset/raw\n  Add: []\n", "TemplateUnknownKey", 10, 3 },
        { "inline template: path not found", "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate:\n  name: inline\n  version: 1.0.0\n  extends: simple-ml\n  remove:\n    - dataset/nothing\n", "TemplatePathNotFound", 9, 7 },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadTenantFile_FailsWithItsErrorId_AtFileLineColumn(string name, string yaml, string errorId, int line, int column)
    {
        string file = _temp.WriteFile("tenant.yaml", yaml);

        var error = Assert.Throws<TemplateException>(() => TenantCatalog.LoadFile(file));

        Assert.True((errorId, line, column) == (error.ErrorId, error.Line, error.Column),
            $"{name}: expected {errorId} at {line}:{column}, got {error.ErrorId} at {error.Line}:{error.Column}: {error.Message}");
        Assert.Equal(file, error.File);
        Assert.Equal($"{file}:{line}:{column}", error.Target);
        Assert.StartsWith($"{file}:{line}:{column}: ", error.Message);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void NameOverBudget_ReportsTheLengthOfEachPart()
    {
        const string yaml = "companyPrefix: averyveryverylongcompanyname\ntenantId: tenant-number-0001\nregions: [ap-southeast-2]\ntemplate: master-solution\nenvironments: [staging]\n";

        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(yaml, "t.yaml"));

        Assert.Equal("TenantBucketNameTooLong", error.ErrorId);
        // 28 + 7 + 18 + 14 + 3 = 70
        Assert.Contains("is 70 characters, 7 over S3's 63", error.Message);
        Assert.Contains("company 28 + environment 7 + tenant 18 + region 14 + separators 3", error.Message);
        Assert.Contains("give environment 'staging' a bucketName", error.Message);
    }

    [Fact]
    public void UnknownKey_SuggestsTheSpelling()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "Solutions: [churn]\n", "t.yaml"));
        Assert.Contains("did you mean 'solutions'?", error.Message);
    }

    [Fact]
    public void MisspeltKey_SuggestsTheClosestKey_NotOnlyByCase()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "solution: [churn]\n", "t.yaml"));
        Assert.Contains("unknown key 'solution' in the tenant file (did you mean 'solutions'?)", error.Message);
    }

    [Fact]
    public void RegionTypo_GetsTheSameSuggestionAsTheCmdletParameter()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(
            "companyPrefix: edge\ntenantId: a001\nregions: [us-wset-2]\ntemplate: master-solution\n", "t.yaml"));
        Assert.Equal("TenantRegionUnknown", error.ErrorId);
        // One suggestion function: the file says what Get-MlBucketName -Region us-wset-2 says, closest first.
        Assert.Equal("us-west-2", BucketNaming.SuggestRegions("us-wset-2")[0]);
        Assert.Contains(BucketNaming.DidYouMeanRegion("us-wset-2"), error.Message);
        Assert.Contains("(did you mean us-west-2,", error.Message);
        Assert.DoesNotContain("us-east-1-regional", error.Message);
    }

    [Fact]
    public void SettingsIndentedUnderEnvironments_IsNamedAsMisplaced_InPlainWords()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "environments:\n  settings:\n    versioning: false\n", "t.yaml"));
        Assert.Contains("'settings' stands where an environment name goes", error.Message);
        Assert.Contains("indented at the wrong level", error.Message);
        Assert.DoesNotContain("a environment", error.Message);
    }

    [Fact]
    public void KnownKeyOneLevelTooDeep_GetsTheIndentationHint()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "settings:\n  versioning: true\n  connection:\n    profile: ml\n", "t.yaml"));
        Assert.Equal(("TenantUnknownKey", 7, 3), (error.ErrorId, error.Line, error.Column));
        Assert.Contains("unknown key 'connection' in the settings ('connection' is a key of the tenant file: is it indented too deep?)", error.Message);
        var inEnvironment = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "environments:\n  prod:\n    companyPrefix: acme\n", "t.yaml"));
        Assert.Contains("unknown key 'companyPrefix' in environment 'prod' ('companyPrefix' is a key of the tenant file: is it indented too deep?)", inEnvironment.Message);
    }

    [Fact]
    public void TabError_QuotesNothingOfTheFile()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "settings:\n\tkmsKeyId: arn:aws:kms:secret-looking-value\n", "t.yaml"));
        Assert.Equal((6, 1), (error.Line, error.Column));
        Assert.DoesNotContain("secret-looking-value", error.Message);
        Assert.DoesNotContain("kmsKeyId", error.Message);
    }

    [Fact]
    public void SyntaxError_IsTenantYamlInvalid_WithAPosition()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse("companyPrefix: edge\ntenantId: [a001\nregions: x\n", "t.yaml"));
        Assert.Equal("TenantYamlInvalid", error.ErrorId);
        Assert.True(error.Line >= 2, error.Message);
    }

    [Fact]
    public void DeepNesting_IsTenantDepthLimit()
    {
        string yaml = Head + "solutions: " + new string('[', 100) + new string(']', 100) + "\n";
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(yaml, "t.yaml"));
        Assert.Equal(("TenantDepthLimit", ErrorKind.LimitsExceeded, 5), (error.ErrorId, error.Kind, error.Line));
    }

    [Fact]
    public void BillionLaughs_IsTenantAliasLimit()
    {
        var sb = new StringBuilder(Head + "x0: &l0 [a, b, c, d, e, f, g, h, i, j]\n");
        for (int level = 1; level < 10; level++)
            sb.Append($"x{level}: &l{level} [" + string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10)) + "]\n");
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(sb.ToString(), "t.yaml"));
        Assert.Equal(("TenantAliasLimit", ErrorKind.LimitsExceeded), (error.ErrorId, error.Kind));
        Assert.True(error.Line > 5);
    }

    [Fact]
    public void HugeFile_IsTenantTooLarge_BeforeItIsRead()
    {
        string file = _temp.WriteFile("huge.yaml", Head + "# " + new string('x', TenantLimits.MaxFileBytes) + "\n");
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.LoadFile(file));
        Assert.Equal(("TenantTooLarge", ErrorKind.LimitsExceeded, 1, 1), (error.ErrorId, error.Kind, error.Line, error.Column));
    }

    [Fact]
    public void LongDateRange_IsTenantDateLimit()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + "dates: { from: 2000-01-01, to: 2030-12-31 }\n", "t.yaml"));
        Assert.Equal(("TenantDateLimit", ErrorKind.LimitsExceeded, 5, 8), (error.ErrorId, error.Kind, error.Line, error.Column));
    }

    [Fact]
    public void MissingFile_IsTenantFileNotFound()
    {
        var error = Assert.Throws<MlLayoutException>(() => TenantCatalog.LoadFile(_temp.PathOf("nope.yaml")));
        Assert.Equal(("TenantFileNotFound", ErrorKind.ObjectNotFound), (error.ErrorId, error.Kind));
    }

    [Fact]
    public void TwoFilesNamingTheSameBucket_AreTenantBucketNameConflict_NamingBoth()
    {
        string one = _temp.WriteFile("one.yaml", Head);
        string two = _temp.WriteFile("two.yaml", Head.Replace("a001", "a001") + "environments: [prod]\n");

        var error = Assert.Throws<MlLayoutException>(() => TenantCatalog.Load(new[] { one, two }));

        Assert.Equal("TenantBucketNameConflict", error.ErrorId);
        Assert.Contains("edge-prod-a001-us-west-2", error.Message);
        Assert.Contains(one, error.Message);
        Assert.Contains(two, error.Message);
    }
}
