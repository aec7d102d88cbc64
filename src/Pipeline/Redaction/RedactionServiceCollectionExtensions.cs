using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Pipeline.Redaction;

public static class RedactionServiceCollectionExtensions
{
    /// <summary>The <see cref="LineRedactor"/> every source uses, from <c>TailHub:Redaction</c> (validated at start-up).</summary>
    public static IServiceCollection AddTailHubRedaction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedactionOptions>().Bind(configuration.GetSection(RedactionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedactionOptions>, RedactionOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedactionOptions>>().Value;
            var (rules, errors) = RedactionRules.Compile(options);
            // Reached only if something resolves the redactor before start-up validation has run.
            if (errors.Count > 0) throw new StartupException("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
            return new LineRedactor(rules, options.Enabled);
        });
        return services;
    }
}
