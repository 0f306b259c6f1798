"""Every command and event of the hub, and the handlers that serve them: the one table to read.

For each capability: `commands` (one handler each, run in the command's unit of work), `prepare`
(reads a whole batch of one command type at once), `within` (reactions to an event inside the same
transaction, before the commit: they must not refuse) and `after` (reactions once it committed: live
screens, broadcasts, wakeups). Within one event, reactions run in the order listed here, capability
by capability. bootstrap() merges them into HANDLERS; a test may take only the capabilities it needs.
"""

from __future__ import annotations

from hub.domain import kitchen_messages as km
from hub.domain.device_jobs import (
    DeviceEventReceived,
    DeviceJobAnsweredLate,
    DeviceJobFinished,
    DeviceJobQueued,
    RecordDeviceEvent,
    SweepDeviceJobs,
)
from hub.domain.end_of_day import (CarryOver, CloseDay, CloseDueDay, CountDrawer, PrintZReport, ReadTerminalTotals, RecordCashMove,
                                  SetOpeningFloat)
from hub.domain.enrolment import (
    AddAccount,
    ChangePassword,
    ClaimDevice,
    CreateClaim,
    DisableAccount,
    RevokeDevice,
    SignInAccount,
    SignOutAccount,
)
from hub.domain.order_holds import (
    CancelHeldOrder,
    ConfirmOrder,
    ExpireUnpaidHolds,
    IncomingChanged,
    RejectOrder,
    SenderAnswered,
    TenderTaken,
)
from hub.domain.order_messages import OrderAccepted, OrderStatusChanged, SubmitOrder
from hub.domain.payment_events import CardPaymentApproved, CardPaymentRefunded, PaymentChanged
from hub.domain.payments import AssignTerminal, CheckPayment, RefundPayment, RequestPayment, RetryPaymentChecks
from hub.domain.printing import (
    OpenDrawer,
    PrintFailed,
    PrintHeld,
    PrintHeldAgain,
    PrintMovedToBackup,
    PrintedTwice,
    ReleaseHeldPrints,
    RemovePrintRoute,
    ReprintOrder,
    SetPrintRoute,
)
from hub.domain.promotions import SetPromotionActive
from hub.domain.staff import AddStaff, GrantApproval, RunApproved, SignIn, SignOut
from hub.domain.stock import AvailabilityChanged, MarkSoldOut, ReceiveStock, StockChanged
from hub.domain.tenders import AddTender, IssueGiftCard, OrderRefunded, RecordOnlinePayment, RefundOrder
from hub.domain.till import HoldBasket, PrintReceipt, RecallBasket, SetCashDrawer, TakeTender
from hub.services import access, cloud_outbox, commerce, device_jobs, end_of_day, gift_cards, kitchen, late_prints
from hub.services import order_holds, order_intake
from hub.services import payments, points, printing, promotions, refunds, report_rollups, staff, stock_keeping
from hub.services import tenders, till
from hub.services.messagebus import HandlerTables

ORDER_INTAKE = HandlerTables(
    commands={SubmitOrder: order_intake.submit_order},
    prepare={SubmitOrder: order_intake.preload_orders},
    after={OrderAccepted: [order_intake.announce_order], OrderStatusChanged: [order_intake.announce_status]},
)

DEVICE_JOBS = HandlerTables(
    commands={RecordDeviceEvent: device_jobs.record_device_event, SweepDeviceJobs: device_jobs.sweep_device_jobs},
    after={DeviceJobQueued: [device_jobs.wake_relay]},
)

_DISPLAYED = (OrderStatusChanged, km.TicketChanged, km.OrderRushed, km.OrderChanged)
KITCHEN = HandlerTables(
    commands={**{action: kitchen.apply_action for action in km.ACTIONS},
              km.FireDueTickets: kitchen.fire_due_tickets, km.ShortPickLine: kitchen.short_pick_line},
    within={OrderAccepted: [kitchen.plan_firing, kitchen.number_display_change],
            **{event: [kitchen.number_display_change] for event in _DISPLAYED}},
    after={km.DisplayChanged: [kitchen.send_display_change], km.OrderReady: [kitchen.broadcast_ready],
           DeviceEventReceived: [kitchen.forward_device_input]},
)

PRINTING = HandlerTables(
    commands={OpenDrawer: printing.open_drawer, SetPrintRoute: printing.set_route,
              RemovePrintRoute: printing.remove_route, ReprintOrder: printing.reprint,
              ReleaseHeldPrints: printing.release_held_prints, PrintHeldAgain: printing.print_held_again},
    within={OrderAccepted: [printing.print_kitchen_tickets], DeviceJobFinished: [printing.follow_print_job],
            DeviceJobAnsweredLate: [late_prints.printed_late]},
    after={PrintMovedToBackup: [printing.warn_station], PrintHeld: [printing.warn_station],
           PrintFailed: [printing.warn_station], PrintedTwice: [printing.warn_station]},
)

COMMERCE = HandlerTables(
    commands={MarkSoldOut: stock_keeping.mark_sold_out,
              SetPromotionActive: promotions.set_promotion_active,
              ReceiveStock: stock_keeping.receive_stock, AddTender: tenders.add_tender,
              RecordOnlinePayment: tenders.record_online_payment,
              RefundOrder: refunds.refund_order, IssueGiftCard: gift_cards.issue_gift_card},
    within={OrderStatusChanged: [commerce.settle_stock, points.earn_points, refunds.return_stored_value],
            StockChanged: [commerce.refresh_availability],
            CardPaymentApproved: [tenders.record_card_payment],
            CardPaymentRefunded: [tenders.reverse_card_payment]},
    after={AvailabilityChanged: [commerce.publish_availability]},
)

PAYMENTS = HandlerTables(
    commands={AssignTerminal: payments.assign_terminal, RequestPayment: payments.request_payment,
              RefundPayment: payments.refund_payment, CheckPayment: payments.check_payment,
              RetryPaymentChecks: payments.retry_payment_checks},
    within={DeviceJobFinished: [payments.record_pay_result]},
    after={PaymentChanged: [payments.notify_payment]},
)

ORDER_HOLDS = HandlerTables(
    commands={CancelHeldOrder: order_holds.cancel_held_order, ConfirmOrder: order_holds.confirm_order,
              RejectOrder: order_holds.reject_order, ExpireUnpaidHolds: order_holds.expire_unpaid_holds},
    within={TenderTaken: [order_holds.release_paid_hold], CardPaymentApproved: [order_holds.release_paid_hold]},
    after={IncomingChanged: [order_holds.announce_incoming], SenderAnswered: [order_holds.tell_sender]},
)

STAFF = HandlerTables(
    commands={AddStaff: staff.add_staff, SignIn: staff.sign_in, SignOut: staff.sign_out,
              GrantApproval: staff.grant_approval, RunApproved: staff.run_approved},
)

TILL = HandlerTables(
    commands={HoldBasket: till.hold_basket, RecallBasket: till.recall_basket, SetCashDrawer: till.set_cash_drawer,
              TakeTender: till.take_tender, PrintReceipt: till.print_receipt},
)

ACCESS = HandlerTables(
    commands={AddAccount: access.add_account, ChangePassword: access.change_password,
              DisableAccount: access.disable_account, SignInAccount: access.sign_in_account,
              SignOutAccount: access.sign_out_account, CreateClaim: access.create_claim,
              ClaimDevice: access.claim_device, RevokeDevice: access.revoke_device},
)

END_OF_DAY = HandlerTables(  # issue 17: cash-up, card terminals' totals, the close and its Z report
    commands={SetOpeningFloat: end_of_day.set_opening_float, RecordCashMove: end_of_day.record_cash_move,
              CountDrawer: end_of_day.count_drawer, CarryOver: end_of_day.carry_over,
              ReadTerminalTotals: end_of_day.read_terminal_totals, CloseDay: end_of_day.close_day,
              PrintZReport: end_of_day.print_z_report, CloseDueDay: end_of_day.close_due_day},
    within={DeviceJobFinished: [end_of_day.record_terminal_totals]},
)

# Sales into the outbox for headquarters: after every capability that writes what it captures (stock, points).
CLOUD_OUTBOX = HandlerTables(
    within={OrderAccepted: [cloud_outbox.queue_order], TenderTaken: [cloud_outbox.queue_payments],
            CardPaymentApproved: [cloud_outbox.queue_payments], OrderRefunded: [cloud_outbox.queue_refund],
            OrderStatusChanged: [cloud_outbox.queue_status], StockChanged: [cloud_outbox.queue_ledgers]},
)

# Issue 17: the reports' roll-ups, in the sale's own transaction (after stock moves are written).
REPORTS = HandlerTables(
    within={OrderAccepted: [report_rollups.roll_up_order], OrderStatusChanged: [report_rollups.take_back_cancelled],
            OrderRefunded: [report_rollups.roll_up_refund], StockChanged: [report_rollups.roll_up_stock],
            km.TicketChanged: [report_rollups.roll_up_bump]},
)

# The order matters where several capabilities react to one event within its transaction:
# an accepted order is planned for the kitchen before its tickets print; a finished job is
# a print job's before it is a payment's; a paid card settles the tender before it releases a hold;
# the outbox captures a sale last, once its stock moves and points are written.
HANDLERS = HandlerTables.merged(ORDER_INTAKE, DEVICE_JOBS, KITCHEN, PRINTING, COMMERCE, PAYMENTS, ORDER_HOLDS,
                                STAFF, TILL, ACCESS, END_OF_DAY, CLOUD_OUTBOX, REPORTS)
