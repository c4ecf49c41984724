using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Tests.Naming;

public class NamingStyleTests
{
    [Theory]
    [InlineData("feature_engineering")]
    [InlineData("model_v1.0.0")]
    [InlineData("experiment_001")]
    [InlineData("raw")]
    [InlineData("2024")]
    [InlineData("a1_b2")]
    public void SnakeCase_Matches(string name)
    {
        Assert.True(NamingStyles.Matches(name, NamingStyle.SnakeCase));
    }

    [Theory]
    [InlineData("feature-engineering")]
    [InlineData("Data_Quality")]
    [InlineData("featureEngineering")]
    [InlineData("_raw")]
    [InlineData("raw_")]
    [InlineData("raw__data")]
    [InlineData("model_v1..0")]
    [InlineData("data quality")]
    [InlineData("")]
    public void SnakeCase_DoesNotMatch(string name)
    {
        Assert.False(NamingStyles.Matches(name, NamingStyle.SnakeCase));
    }

    [Theory]
    [InlineData("service-catalog")]
    [InlineData("customer-churn")]
    [InlineData("sagemaker-extensions")]
    [InlineData("v1.2")]
    [InlineData("abc123")]
    public void KebabCase_Matches(string name)
    {
        Assert.True(NamingStyles.Matches(name, NamingStyle.KebabCase));
    }

    [Theory]
    [InlineData("service_catalog")]
    [InlineData("Customer-Churn")]
    [InlineData("-churn")]
    [InlineData("churn-")]
    [InlineData("customer--churn")]
    [InlineData("customerChurn")]
    public void KebabCase_DoesNotMatch(string name)
    {
        Assert.False(NamingStyles.Matches(name, NamingStyle.KebabCase));
    }

    [Theory]
    [InlineData("Anything Goes_here-!")]
    [InlineData("UPPER")]
    public void Any_MatchesEverything(string name)
    {
        Assert.True(NamingStyles.Matches(name, NamingStyle.Any));
    }

    [Theory]
    [InlineData("Data-Quality", "data_quality")]
    [InlineData("featureEngineering", "feature_engineering")]
    [InlineData("data quality", "data_quality")]
    [InlineData("  Model V1.0.0 ", "model_v1.0.0")]
    [InlineData("raw__data", "raw_data")]
    [InlineData("-leading-and-trailing-", "leading_and_trailing")]
    [InlineData("already_snake", "already_snake")]
    public void SnakeCase_Correct(string name, string expected)
    {
        string corrected = NamingStyles.Correct(name, NamingStyle.SnakeCase);

        Assert.Equal(expected, corrected);
        Assert.True(NamingStyles.Matches(corrected, NamingStyle.SnakeCase));
    }

    [Theory]
    [InlineData("featureEngineering", "feature-engineering")]
    [InlineData("Customer_Churn", "customer-churn")]
    [InlineData("Data-Quality", "data-quality")]
    [InlineData("service catalog", "service-catalog")]
    [InlineData("already-kebab", "already-kebab")]
    public void KebabCase_Correct(string name, string expected)
    {
        string corrected = NamingStyles.Correct(name, NamingStyle.KebabCase);

        Assert.Equal(expected, corrected);
        Assert.True(NamingStyles.Matches(corrected, NamingStyle.KebabCase));
    }

    [Fact]
    public void Any_CorrectLeavesTheNameAlone()
    {
        Assert.Equal("Whatever Name", NamingStyles.Correct("Whatever Name", NamingStyle.Any));
    }

    [Theory]
    [InlineData("snake_case", NamingStyle.SnakeCase)]
    [InlineData("kebab-case", NamingStyle.KebabCase)]
    [InlineData("any", NamingStyle.Any)]
    public void TryParseAndToYaml_RoundTrip(string text, NamingStyle style)
    {
        Assert.True(NamingStyles.TryParse(text, out var parsed));
        Assert.Equal(style, parsed);
        Assert.Equal(text, NamingStyles.ToYaml(style));
    }

    [Theory]
    [InlineData("snake-case")]
    [InlineData("SnakeCase")]
    [InlineData("camelCase")]
    public void TryParse_RefusesOtherSpellings(string text)
    {
        Assert.False(NamingStyles.TryParse(text, out _));
    }
}
