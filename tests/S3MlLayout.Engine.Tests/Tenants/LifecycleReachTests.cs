using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.S3;
using S3MlLayout.Engine.Storage;
using S3MlLayout.Engine.Tenants;
using S3MlLayout.Engine.Tests.Support;

namespace S3MlLayout.Engine.Tests.Tenants;

/// <summary>
/// Issue 14, failures 2 and 6: a lifecycle rule may never reach .s3mllayout/ and reaches whole solutions only when
/// acknowledged; an endpoint URL never carries a secret. Refused while the tenant file is loaded, at file:line:column.
/// </summary>
public sealed class LifecycleReachTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Head = "companyPrefix: edge\ntenantId: a001\nregions: [us-west-2]\ntemplate: master-solution\n";

    private static string Rule(string prefix, string extra = "") =>
        Head + $"settings:\n  lifecycle:\n    - prefix: \"{prefix}\"\n      expirationDays: 1\n{extra}";

    [Theory]
    [InlineData("", LifecycleReach.ModuleRecords)]
    [InlineData(".", LifecycleReach.ModuleRecords)]
    [InlineData(".s3", LifecycleReach.ModuleRecords)]
    [InlineData(".s3mllayou", LifecycleReach.ModuleRecords)]
    [InlineData(".s3mllayout", LifecycleReach.ModuleRecords)]
    [InlineData(".s3mllayout/audit/", LifecycleReach.ModuleRecords)]
    [InlineData(".S3MLLayout/declared/", LifecycleReach.ModuleRecords)]
    [InlineData("s", LifecycleReach.WholeSolutions)]
    [InlineData("sol", LifecycleReach.WholeSolutions)]
    [InlineData("solutions", LifecycleReach.WholeSolutions)]
    [InlineData("solutions/", LifecycleReach.WholeSolutions)]
    [InlineData("solutions/x", LifecycleReach.WholeSolutions)]
    [InlineData("solutions/x/", LifecycleReach.WholeSolutions)]
    [InlineData("solutions/x/data/", LifecycleReach.Narrow)]
    [InlineData("solutions/x/data/raw/", LifecycleReach.Narrow)]
    [InlineData("shared/", LifecycleReach.Narrow)]
    [InlineData(".s3mllayoutx/", LifecycleReach.Narrow)]
    [InlineData("logs/", LifecycleReach.Narrow)]
    public void Reach_IsJudgedOnWhatThePrefixMatches(string prefix, LifecycleReach reach) =>
        Assert.Equal(reach, LifecycleCoverage.Reach(prefix));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(".s3")]
    [InlineData(".s3mllayou")]
    [InlineData(".s3mllayout/audit/")]
    public void ARuleReachingTheModulesRecords_IsRefused_EvenAcknowledged(string prefix)
    {
        foreach (var yaml in new[] { Rule(prefix), Rule(prefix, "      acknowledge: covers-whole-solutions\n") })
        {
            string file = _temp.WriteFile("tenant.yaml", yaml);
            var error = Assert.Throws<TemplateException>(() => TenantCatalog.LoadFile(file));
            Assert.Equal(("TenantInvalidValue", 7), (error.ErrorId, error.Line));
            if (prefix.Length == 0) continue; // refused as an empty value, at the prefix itself (7:15)
            Assert.Equal($"{file}:7:7", error.Target);
            Assert.Contains(".s3mllayout/", error.Message);
        }
    }

    [Theory]
    [InlineData("sol")]
    [InlineData("solutions/")]
    [InlineData("solutions/x/")]
    public void ARuleReachingWholeSolutions_NeedsItsAcknowledgement(string prefix)
    {
        string file = _temp.WriteFile("tenant.yaml", Rule(prefix));
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.LoadFile(file));
        Assert.Equal(("TenantLifecycleNotAcknowledged", $"{file}:7:7"), (error.ErrorId, error.Target));
        Assert.Contains("acknowledge: covers-whole-solutions", error.Message);

        var spec = TenantCatalog.Parse(Rule(prefix, "      acknowledge: covers-whole-solutions\n"), "t.yaml")[0];
        var rule = Assert.Single(spec.ToBucketSettings().LifecycleRules!);
        Assert.Equal((prefix, "covers-whole-solutions"), (rule.Prefix, rule.Acknowledge));
    }

    [Fact]
    public void AnAcknowledgementWhereNoneIsNeeded_OrAnotherWord_IsRefused()
    {
        var needless = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Rule("solutions/x/data/raw/", "      acknowledge: covers-whole-solutions\n"), "t.yaml"));
        Assert.Equal(("TenantInvalidValue", 7), (needless.ErrorId, needless.Line));
        var wrong = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Rule("solutions/", "      acknowledge: yes\n"), "t.yaml"));
        Assert.Equal(("TenantInvalidValue", 9, 20), (wrong.ErrorId, wrong.Line, wrong.Column));
    }

    [Fact]
    public void APrefixWithMarkupOrControlCharacters_IsRefused()
    {
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Rule("logs|x/<img src=x>/"), "t.yaml"));
        Assert.Equal(("TenantInvalidValue", 7), (error.ErrorId, error.Line));
    }

    [Theory]
    [InlineData("http://user:hunter2pw@127.0.0.1:9000", "user information")]
    [InlineData("http://127.0.0.1:9000/?X-Amz-Security-Token=tok3n", "a query")]
    [InlineData("http//user:hunter2pw@127.0.0.1:9000", "user information")]
    public void AnEndpointCarryingASecret_IsRefusedInTenantFiles_WithoutQuotingIt(string endpoint, string what)
    {
        Assert.Contains(what, EndpointUrls.SecretPart(endpoint));
        var error = Assert.Throws<TemplateException>(() => TenantCatalog.Parse(Head + $"connection:\n  endpoint: \"{endpoint}\"\n", "t.yaml"));
        Assert.Equal(("TenantInvalidValue", 6, 13), (error.ErrorId, error.Line, error.Column));
        Assert.DoesNotContain("hunter2pw", error.Message);
        Assert.DoesNotContain("tok3n", error.Message);
    }

    [Fact]
    public void AnEndpointOverrideCarryingASecret_IsRefused_BeforeItRidesOnTheSpec()
    {
        var spec = TenantCatalog.Parse(Head, "t.yaml")[0];
        var error = Assert.Throws<MlLayoutException>(() => TenantCatalog.OverrideConnection(spec, null, "https://k:s3cret@store", null, null));
        Assert.Equal(("EndpointUrlHasCredentials", "-EndpointUrl"), (error.ErrorId, error.Target));
        Assert.DoesNotContain("s3cret", error.Message);
        Assert.Null(spec.EndpointUrl);
    }
}
