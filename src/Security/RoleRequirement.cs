using Microsoft.AspNetCore.Authorization;

namespace TailHub.Security;

/// <summary>At least <see cref="Minimum"/>, or exactly <see cref="AlsoAllowed"/>; met by anyone while access control is off.</summary>
public sealed record RoleRequirement(AccessRole Minimum, AccessRole? AlsoAllowed = null) : IAuthorizationRequirement;

public sealed class RoleRequirementHandler(AccessPolicy access) : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        var role = AccessClaims.RoleOf(context.User);
        if (!access.Enabled || (context.User.Identity?.IsAuthenticated == true && (role >= requirement.Minimum || role == requirement.AlsoAllowed)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
