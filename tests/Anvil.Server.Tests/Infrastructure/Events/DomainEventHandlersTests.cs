using Anvil.Server.Infrastructure.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Anvil.Server.Tests.Infrastructure.Events;

/// <summary>Every event someone publishes is heard, and every handler written is wired: both in AddDomainEventHandlers.</summary>
public sealed class DomainEventHandlersTests
{
    private static readonly Type[] ServerTypes = typeof(IDomainEvent).Assembly.GetTypes();

    private static readonly HashSet<Type> Registered = new ServiceCollection().AddDomainEventHandlers()
        .Select(d => d.ServiceType).ToHashSet();

    [Fact]
    public void Every_event_type_has_a_registered_handler()
    {
        var events = ServerTypes.Where(t => t is { IsClass: true, IsAbstract: false } && t.IsAssignableTo(typeof(IDomainEvent))).ToList();
        Assert.NotEmpty(events);
        var unheard = events.Where(e => !Registered.Contains(typeof(IDomainEventHandler<>).MakeGenericType(e))).Select(e => e.Name).ToList();
        Assert.Empty(unheard);
    }

    [Fact]
    public void Every_handler_class_is_registered_for_every_event_it_handles()
    {
        var handlers = ServerTypes.Where(t => t is { IsClass: true, IsAbstract: false } && DomainEventHandlers.EventsOf(t).Any()).ToList();
        Assert.NotEmpty(handlers);
        var unwired = handlers.Where(h => !Registered.Contains(h)
                || DomainEventHandlers.EventsOf(h).Any(e => !Registered.Contains(typeof(IDomainEventHandler<>).MakeGenericType(e))))
            .Select(h => h.Name).ToList();
        Assert.Empty(unwired);
    }
}
