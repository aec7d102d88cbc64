using Microsoft.AspNetCore.Authorization;

namespace TailHub.Security;

/// <summary>At least <see cref="Minimum"/>; met by anyone while access control is off.</summary>
public sealed record RoleRequirement(AccessRole Minimum) : IAuthorizationRequirement;

public sealed class RoleRequirementHandler(AccessPolicy access) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (!access.Enabled || (context.User.Identity?.IsAuthenticated == true && AccessClaims.RoleOf(context.User) >= requirement.Minimum))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
