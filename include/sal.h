/* OpenNDIS: SAL annotations and MSVC-isms as no-ops (or their gcc/clang equivalent).
 * Driver source is annotated for the Windows static analysers; here the annotations
 * only have to disappear. Written from the documented annotation names. */
#ifndef OPENNDIS_SAL_H
#define OPENNDIS_SAL_H

/* Parameter annotations (SAL 2) */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _In_reads_z_(n)
#define _In_reads_or_z_(n)
#define _In_range_(lo, hi)
#define _Out_
#define _Out_opt_
#define _Out_z_
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_z_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_to_opt_(n, c)
#define _Out_writes_bytes_to_(n, c)
#define _Out_writes_bytes_to_opt_(n, c)
#define _Out_writes_all_(n)
#define _Out_writes_bytes_all_(n)
#define _Out_writes_bytes_all_opt_(n)
#define _Out_range_(lo, hi)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(n)
#define _Inout_updates_opt_(n)
#define _Inout_updates_z_(n)
#define _Inout_updates_bytes_(n)
#define _Inout_updates_bytes_opt_(n)
#define _Inout_updates_to_(n, c)
#define _Inout_updates_bytes_to_(n, c)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_nullonfailure_
#define _Outptr_result_z_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _Outptr_result_bytebuffer_maybenull_(n)
#define _Deref_out_
#define _Deref_out_range_(lo, hi)
#define _Deref_pre_maybenull_
#define _Deref_post_maybenull_
#define _Reserved_
#define _Const_
#define _Notnull_
#define _Maybenull_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Literal_
#define _Points_to_data_
#define _Strict_type_match_
#define _Printf_format_string_
#define _Printf_format_string_params_(n)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_maybenull_
#define _Post_notnull_
#define _Post_z_
#define _Post_readable_size_(n)
#define _Post_readable_byte_size_(n)
#define _Post_writable_size_(n)
#define _Post_writable_byte_size_(n)
#define _Post_equal_to_(x)
#define _Post_satisfies_(x)
#define _Pre_satisfies_(x)
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Pre_null_
#define _Pre_z_
#define _Pre_valid_
#define _Pre_readable_size_(n)
#define _Pre_writable_size_(n)
#define _Pre_
#define _Post_

/* Return values, results, conditions */
#define _Ret_
#define _Ret_z_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_range_(lo, hi)
#define _Ret_writes_(n)
#define _Ret_writes_bytes_(n)
#define _Ret_writes_maybenull_(n)
#define _Ret_writes_bytes_maybenull_(n)
#define _Result_nullonfailure_
#define _Result_zeroonfailure_
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(expr)
#define _Return_type_success_(expr)
#define _Always_(anno)
#define _On_failure_(anno)
#define _When_(cond, anno)
#define _At_(target, anno)
#define _At_buffer_(target, i, n, anno)
#define _Group_(anno)
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_size_part_(n, c)
#define _Field_size_bytes_part_(n, c)
#define _Field_z_
#define _Field_range_(lo, hi)
#define _Struct_size_bytes_(n)
#define _Analysis_assume_(expr)
#define _Analysis_noreturn_
#define _Analysis_mode_(mode)
#define _Use_decl_annotations_
#define _Function_class_(name)
#define _Raises_SEH_exception_
#define _Callback_

/* Kernel-mode (driverspecs) annotations */
#define _IRQL_requires_(irql)
#define _IRQL_requires_max_(irql)
#define _IRQL_requires_min_(irql)
#define _IRQL_requires_same_
#define _IRQL_raises_(irql)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(kind, param)
#define _IRQL_restores_global_(kind, param)
#define _IRQL_always_function_min_(irql)
#define _IRQL_always_function_max_(irql)
#define _IRQL_uses_cancel_
#define _IRQL_is_cancel_
#define _IRQL_lowers_
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Kernel_float_used_
#define _Kernel_clear_do_init_(yesno)
#define _Kernel_requires_resource_held_(kind)
#define _Kernel_requires_resource_not_held_(kind)
#define _Kernel_acquires_resource_(kind)
#define _Kernel_releases_resource_(kind)
#define _Requires_lock_held_(lock)
#define _Requires_lock_not_held_(lock)
#define _Requires_exclusive_lock_held_(lock)
#define _Requires_shared_lock_held_(lock)
#define _Acquires_lock_(lock)
#define _Acquires_exclusive_lock_(lock)
#define _Acquires_shared_lock_(lock)
#define _Releases_lock_(lock)
#define _Releases_exclusive_lock_(lock)
#define _Releases_shared_lock_(lock)
#define _Guarded_by_(lock)
#define _Interlocked_
#define _Interlocked_operand_
#define _Dispatch_type_(type)
#define _Drv_aliasesMem_
#define _Drv_allocatesMem_(kind)
#define _Drv_freesMem_(kind)
#define __drv_aliasesMem
#define __drv_interlocked
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_arg(expr, anno)
#define __drv_at(expr, anno)
#define __drv_when(cond, anno)
#define __drv_in(anno)
#define __drv_out(anno)
#define __drv_maxIRQL(irql)
#define __drv_minIRQL(irql)
#define __drv_requiresIRQL(irql)
#define __drv_setsIRQL(irql)
#define __drv_raisesIRQL(irql)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_savesIRQLGlobal(kind, param)
#define __drv_restoresIRQLGlobal(kind, param)
#define __drv_sameIRQL
#define __drv_dispatchType(type)
#define __drv_functionClass(name)
#define __drv_mustHold(kind)
#define __drv_neverHold(kind)
#define __drv_acquiresResource(kind)
#define __drv_releasesResource(kind)
#define __drv_preferredFunction(fn, why)
#define __drv_reportError(why)
#define __drv_strictType(type, mode)
#define __drv_strictTypeMatch(mode)
#define __drv_isObjectPointer
#define __drv_valueIs(cond)
#define __drv_inTry
#define __drv_notInTry

/* SAL 1 spellings still found in older drivers */
#define __in
#define __in_opt
#define __out
#define __out_opt
#define __inout
#define __inout_opt
#define __in_bcount(n)
#define __in_bcount_opt(n)
#define __in_ecount(n)
#define __in_ecount_opt(n)
#define __out_bcount(n)
#define __out_bcount_opt(n)
#define __out_ecount(n)
#define __out_ecount_opt(n)
#define __out_bcount_part(n, c)
#define __out_ecount_part(n, c)
#define __inout_bcount(n)
#define __inout_ecount(n)
#define __deref_out
#define __deref_out_opt
#define __deref_inout
#define __checkReturn
#define __success(expr)
#define __reserved
#define __nullterminated
#define __field_bcount(n)
#define __field_ecount(n)
#define __callback

/* SAL 1.5 buffer annotations (the _bytecount_/_cap_ spellings, still in driver code) */
#define _In_bytecount_(n)
#define _In_opt_bytecount_(n)
#define _In_count_(n)
#define _In_opt_count_(n)
#define _Out_bytecap_(n)
#define _Out_opt_bytecap_(n)
#define _Out_cap_(n)
#define _Out_opt_cap_(n)
#define _Out_bytecapcount_(n)
#define _Out_capcount_(n)
#define _Out_bytecap_post_bytecount_(c, n)
#define _Out_cap_post_count_(c, n)
#define _Inout_bytecount_(n)
#define _Inout_opt_bytecount_(n)
#define _Inout_count_(n)
#define _Inout_bytecap_(n)
#define _Inout_cap_(n)
#define _Deref_out_bytecap_(n)
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_pre_z_
#endif /* OPENNDIS_SAL_H */
