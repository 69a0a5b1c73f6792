// Proof that the generated types (database.ts) fit the real client: every RPC and view a
// frontend may use (docs/api.md), called with the arguments it takes, and one call the
// compiler must refuse. Compiled with `tsc --noEmit -p types` in `make test`
// (tests/py/test_api_artifacts.py); never run.
import { createClient } from '@supabase/supabase-js'
import type { Database } from './database'

const supabase = createClient<Database>('https://project.supabase.co', 'anon-key')
const gigId = '00000000-0000-4000-8000-000000000001'
const orderId = '00000000-0000-4000-8000-000000000002'

export async function catalogPages(): Promise<void> {
  const results = await supabase.rpc('search_gigs', {
    search_query: '"landing page" -wordpress',
    category: 'programming-tech',
    min_price_cents: 1000,
    max_price_cents: 50000,
    max_delivery_days: 7,
    min_rating: 4.5,
    sort: 'relevance',
    page_size: 20,
  })
  const card = results.data?.[0]
  const shown: [string, string, string | null, string | null, number, number] | undefined = card && [
    card.slug,
    card.seller_display_name,
    card.seller_avatar_url,
    card.cover_path,
    card.starting_price_cents,
    card.fastest_delivery_days,
  ]
  void shown
  await supabase.rpc('search_gigs', { sort: 'newest', after_cursor: card?.next_cursor })

  const page = await supabase.rpc('get_gig', { slug: 'i-will-design-a-clean-minimalist-logo' })
  void page.data
  await supabase.rpc('get_gig', { gig_id: gigId, reviews_page_size: 5 })
  const reviews = await supabase.rpc('gig_reviews', { gig_id: gigId, page_size: 10 })
  const next: string | undefined = reviews.data?.at(-1)?.next_cursor
  await supabase.rpc('gig_reviews', { gig_id: gigId, after_cursor: next })

  const sellers = await supabase.from('seller_profiles').select('username, display_name, verified, rating_avg')
  const verified: boolean | null | undefined = sellers.data?.[0]?.verified
  void verified
}

export async function selling(): Promise<void> {
  await supabase.rpc('become_seller', { headline: 'Logos that last' })
  await supabase.rpc('submit_gig_for_review', { gig_id: gigId })
  await supabase.rpc('pause_gig', { gig_id: gigId })
  await supabase.rpc('unpause_gig', { gig_id: gigId })
  await supabase.rpc('publish_gig', { gig_id: gigId, content_version: 3 })
  await supabase.rpc('reject_gig', { gig_id: gigId, reason: 'Add a description', content_version: 3 })
  await supabase.rpc('seller_balance', {})
  await supabase.rpc('my_whop_link')
}

export async function ordering(): Promise<void> {
  await supabase.rpc('quote_order', { gig_id: gigId, tier: 'basic', extras: [] })
  const quote = await supabase.rpc('quote_order', { gig_id: gigId, tier: 'basic', quantity: 3 })
  void quote.data
  await supabase.rpc('submit_requirements', { order_id: orderId, answers: [], files: [] })
  await supabase.rpc('start_order', { order_id: orderId })
  await supabase.rpc('deliver_order', { order_id: orderId, message: 'Here it is', files: [] })
  await supabase.rpc('request_revision', { order_id: orderId, message: 'Bigger, please' })
  await supabase.rpc('accept_delivery', { order_id: orderId })
  await supabase.rpc('request_cancellation', { order_id: orderId, reason: 'Changed plans' })
  await supabase.rpc('accept_cancellation', { order_id: orderId })
  await supabase.rpc('decline_cancellation', { order_id: orderId })
  await supabase.rpc('open_dispute', { order_id: orderId, reason: 'Not delivered' })
  await supabase.rpc('resolve_dispute', { order_id: orderId, outcome: 'refund', refund_cents: 500, note: 'Split' })
  await supabase.rpc('submit_review', { order_id: orderId, rating: 5, body: 'Great' })
  await supabase.rpc('request_refund', { order_id: orderId, amount_cents: 500, reason: 'Late' })
  await supabase.rpc('abandon_checkout', { order_id: orderId })
  const balance = await supabase.rpc('seller_balance', {})
  balance.data?.[0]?.held_cents satisfies number | undefined
}

export async function operating(): Promise<void> {
  await supabase.from('admin_platform_revenue').select('day, currency, revenue_cents')
  await supabase.from('admin_revenue_by_source').select('utm_source, revenue_cents')
  await supabase.from('admin_open_disputes').select('order_id, dispute_reason')
  await supabase.from('admin_failed_webhooks').select('webhook_id, last_error')
  await supabase.from('admin_sellers_awaiting_kyc').select('seller_id, kyc_status')
  await supabase.from('admin_refunds_in_flight').select('refund_id, amount_cents')
  await supabase.from('admin_open_chargebacks').select('whop_dispute_id, needs_response_by, early_warning')
  await supabase.from('admin_quarantined_payments').select('whop_payment_id, reasons, decision')
  await supabase.from('admin_seller_debts').select('seller_id, debt_cents')
  await supabase.rpc('decide_quarantined_payment', { whop_payment_id: 'pay_x', decision: 'refund' })
}

export async function operatorsTools(): Promise<void> {
  const sellerId = '00000000-0000-4000-8000-000000000003'
  const suspended = await supabase.rpc('suspend_seller', { seller_id: sellerId, reason: 'Counterfeit goods' })
  const since: string | null | undefined = suspended.data?.suspended_at
  void since
  await supabase.rpc('reinstate_seller', { seller_id: sellerId, reason: 'Appeal upheld' })
  const takenDown = await supabase.rpc('take_down_gig', { gig_id: gigId, reason: 'Misleading claims' })
  takenDown.data?.status satisfies Database['public']['Enums']['gig_status'] | undefined
  await supabase.rpc('restore_gig', { gig_id: gigId, reason: 'Claims corrected' })
  const created = await supabase.rpc('create_category', {
    slug: 'ai-services',
    name: 'AI Services',
    parent_id: 2,
    at_position: 3,
  })
  const categoryId: number | undefined = created.data?.id
  await supabase.rpc('rename_category', { category_id: 7, name: 'AI & Automation', reason: 'Clearer' })
  await supabase.rpc('move_category', { category_id: 7, parent_id: 2 })
  await supabase.rpc('move_category', { category_id: 7 })
  await supabase.rpc('reorder_category', { category_id: 7, at_position: 1 })
  const hidden = await supabase.rpc('deactivate_category', { category_id: 7, reason: 'Merged' })
  const listed: boolean | undefined = hidden.data?.listed
  void [categoryId, listed]
  await supabase.rpc('reactivate_category', { category_id: 7 })
  const log = await supabase.from('admin_actions').select('action, admin_id, seller_id, gig_id, category_id, reason, created_at')
  log.data?.[0]?.action satisfies Database['public']['Enums']['admin_action'] | undefined
  const profiles = await supabase.from('seller_profiles').select('seller_id, suspended')
  const isSuspended: boolean | null | undefined = profiles.data?.[0]?.suspended
  void isSuspended
}

export async function wrongArguments(): Promise<void> {
  // @ts-expect-error: search_gigs takes search_query, not query
  await supabase.rpc('search_gigs', { query: 'logo' })
}
