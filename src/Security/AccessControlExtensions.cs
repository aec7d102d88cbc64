using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using TailHub.Configuration;

namespace TailHub.Security;

public static class AccessControlExtensions
{
    /// <summary>API keys, stream tokens, role policies; refuses to start unauthenticated beyond localhost.</summary>
    public static IServiceCollection AddTailHubAccessControl(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<StreamTokenIssuer>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Viewer, p => p.AddRequirements(new RoleRequirement(AccessRole.Viewer)))
            .AddPolicy(AccessPolicies.Operator, p => p.AddRequirements(new RoleRequirement(AccessRole.Operator)))
            .AddPolicy(AccessPolicies.Admin, p => p.AddRequirements(new RoleRequirement(AccessRole.Admin)))
            .AddPolicy(AccessPolicies.Ingest, p => p.AddRequirements(new RoleRequirement(AccessRole.Operator, AlsoAllowed: AccessRole.Ingest)));
        return services;
    }

    public static WebApplication UseTailHubAccessControl(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (RemoteAccessGuard.Check(app.Configuration, security) is { } refusal) throw new StartupException(refusal);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
